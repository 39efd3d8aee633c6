"""Interception: how a botocore call reaches a handler and its answer goes back.

``hooks`` registers the botocore event handlers that answer ``before-call``; ``fast_path``
answers Personalize clients earlier, in ``_make_api_call``; both run one call through
``dispatch.run_operation``: the ``operations`` table names the handler, the input is checked
against botocore's service model (:mod:`personalize_mock.model`), and ``responses`` builds
what botocore expects back.
"""
