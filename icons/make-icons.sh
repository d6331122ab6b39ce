#!/usr/bin/env bash
# Regenerate every app icon from source.svg (needs rsvg-convert and Python Pillow).
set -euo pipefail
cd "$(dirname "$0")"
rsvg-convert -w 1024 -h 1024 source.svg -o icon.png
for s in 32 128 256; do rsvg-convert -w $s -h $s source.svg -o ${s}x${s}.png; done
mv 256x256.png 128x128@2x.png
python3 - <<'PY'
from PIL import Image
img = Image.open("icon.png").convert("RGBA")
img.save("icon.ico", sizes=[(16,16),(24,24),(32,32),(48,48),(64,64),(128,128),(256,256)])
img.save("icon.icns")
PY
