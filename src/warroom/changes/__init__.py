"""Changes: the change calendar, freeze and maintenance windows, conflicts between planned
changes and active incidents, the gate that holds them, and suspects on incidents."""
