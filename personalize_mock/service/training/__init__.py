"""The training family: recipes, solutions, solution versions and what they learn.

The recipe and algorithm catalogue, hyperparameter tuning, automatic training, the training
data rules (minimums, event filters), the recommendation engine a version learns, and
solution metrics.
"""
