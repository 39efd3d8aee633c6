"""The deployment family: campaigns and recommenders, and their updates."""
