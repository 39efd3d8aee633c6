"""The events family: event trackers, the events API (PutEvents and friends), metric attributions."""
