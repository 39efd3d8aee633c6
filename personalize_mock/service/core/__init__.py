"""The shared core of every resource family.

``store`` keeps resources per region and kind, ``lifecycle`` their status timelines,
``common`` the fields and checks every family repeats (status and timestamps, failure,
delete blockers, describe and list), ``pagination`` the opaque list tokens, ``tags`` the
tagging operations, ``s3_access`` reading and writing through moto's S3.
"""
