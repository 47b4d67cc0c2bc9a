"""Learning from incidents: postmortems drafted from the timeline, reviewed and published, and
the action items that follow them to done."""
