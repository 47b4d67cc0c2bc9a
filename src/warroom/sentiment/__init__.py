"""The public-sentiment watch: mentions of us in public, scored, charted per incident."""
