"""Activation: switching the mock on and off in the test process.

``mock.PersonalizeMock`` is the one object behind every activation style (``decorate`` wraps
functions, coroutines, generators and classes); activating installs the fake credentials
(``environment``), the send guard (``guard``), simulated sleep (``sleep``) and the wall clock
(``personalize_mock.clock``). ``plugin`` is the pytest fixture and marker.
"""
