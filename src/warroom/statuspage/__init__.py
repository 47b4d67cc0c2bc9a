"""The public status page and the updates that reach it."""
