"""The data family: dataset groups, schemas, datasets and the jobs that move data.

Imports, exports and data deletion jobs, the CSV reader (``dataset_files``), the records a
dataset group holds over time (``data_store``) and the indexed views training reads
(``data_views``).
"""
