# Run from the repository root: .venv/bin/python docs/_icons.py
"""Draw ldncare's app icons (run once; the PNGs are committed): a white crescent moon and dot (the bedtime low dose) on the accent blue.

Maskable icons keep the mark inside the central 80 % safe zone (W3C Web App Manifest, "maskable").
"""
from PIL import Image, ImageDraw

ACCENT = (11, 92, 173, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4
    s = size * scale
    img = Image.new("RGBA", (s, s), ACCENT if maskable else (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if not maskable:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=int(s * 0.22), fill=ACCENT)
    # the safe zone: a circle of 40 % radius; the mark sits inside it
    cx, cy = s / 2, s / 2
    r = s * (0.30 if maskable else 0.34)
    # a crescent moon (bedtime dose): a white disc minus an offset accent disc
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
    off = r * 0.45
    d.ellipse((cx - r + off, cy - r - off * 0.35, cx + r + off, cy + r - off * 0.35), fill=ACCENT)
    # a small dot (a low dose)
    dot = r * 0.2
    dx, dy = cx + r * 0.45, cy + r * 0.45
    d.ellipse((dx - dot, dy - dot, dx + dot, dy + dot), fill=WHITE)
    return img.resize((size, size), Image.LANCZOS)


for size in (192, 512):
    draw(size, maskable=False).save(f"src/ldncare/web/static/ldncare/icons/icon-{size}.png", optimize=True)
    draw(size, maskable=True).save(f"src/ldncare/web/static/ldncare/icons/maskable-{size}.png", optimize=True)
draw(180, maskable=True).convert("RGB").save("src/ldncare/web/static/ldncare/icons/apple-touch-icon.png", optimize=True)
