"""The people app's tables, one module per part (teams, pairings and visits, branches,
enterprises and workshops, ratings, training); each part imports its models here."""
