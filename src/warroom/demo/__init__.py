"""Demo data: Kestrel Industrial Supply, a parts distributor with a living incident history.

``warroom demo`` loads it through the services (never raw inserts), so what a new user sees
is exactly what the product would have recorded. ``org.py`` holds the organisation,
``stories.py`` the incidents as scripts, ``loader.py`` plays them with explicit clocks.
"""
