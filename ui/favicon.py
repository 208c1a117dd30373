"""The browser tab's icon, drawn here with Pillow: an emoji or `:material/…:` icon would be fetched from the internet.

A hub: one node linked to four, in the theme's primary colour (as the navigation's material "hub" icon).
"""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw

PRIMARY_COLOUR = "#0b6e4f"  # .streamlit/config.toml's theme.primaryColor
SIZE = 64
# Drawn larger and scaled down, for smooth edges.
SCALE = 4


@cache
def favicon() -> Image.Image:
    """A 64×64 PNG-ready image of a hub: a centre node linked to four nodes at the corners."""
    side = SIZE * SCALE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre, corner = side / 2, side * 0.2
    corners = [(corner, corner), (side - corner, corner), (corner, side - corner), (side - corner, side - corner)]
    for x, y in corners:
        draw.line([(centre, centre), (x, y)], fill=PRIMARY_COLOUR, width=side // 12)
    for (x, y), radius in [((centre, centre), side * 0.2), *((point, side * 0.15) for point in corners)]:
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=PRIMARY_COLOUR)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
