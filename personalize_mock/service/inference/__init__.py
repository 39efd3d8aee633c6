"""The inference family: recommendations at request time and in batch.

The runtime operations (GetRecommendations, GetPersonalizedRanking, GetActionRecommendations),
filters and their expression language, and batch inference and segment jobs with their output.
"""
