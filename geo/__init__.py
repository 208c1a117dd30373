"""Boundaries: reading boundary files, matching them to the registry, simplifying for display, demo polygons."""
