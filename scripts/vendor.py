"""Vendor front-end files from the npm registry (never a CDN) at the versions in vendor.json.

`make vendor` runs `npm pack` for each package, checks the tarball against the integrity
hash pinned in vendor.json (the registry's published sha512), and copies the listed files into
the app's static folder with a VERSION file beside them. To upgrade: change the version and the
integrity (`npm view PACKAGE@VERSION dist.integrity`) together.
"""

import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    update_pins = "--update-pins" in sys.argv
    spec = json.loads((ROOT / "vendor.json").read_text())
    for package, info in spec.items():
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                ["npm", "pack", f"{package}@{info['version']}", "--json", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                text=True,
            )
            meta = json.loads(out.stdout)[0]
            tarball = Path(tmp) / meta["filename"]
            algo, _, expected = info["integrity"].partition("-")
            actual = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
            if actual != expected:
                print(f"{package}: the tarball does not match the integrity pinned in vendor.json", file=sys.stderr)
                return 1
            with tarfile.open(tarball) as tar:
                for source, target in info["files"].items():
                    member = tar.extractfile(f"package/{source}")
                    assert member is not None
                    content = member.read()
                    digest = hashlib.sha256(content).hexdigest()
                    pins = info.setdefault("sha256", {})
                    if update_pins:
                        pins[target] = digest
                    elif pins.get(target) != digest:
                        print(
                            f"{package}: {source} does not match the sha256 pinned in vendor.json "
                            "(after checking an upgrade, run `make vendor-pins`)",
                            file=sys.stderr,
                        )
                        return 1
                    dest = ROOT / target
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(content)
                    (dest.parent / "VERSION").write_text(f"{package}@{info['version']} {info['integrity']}\n")
                    print(f"vendored {package}@{info['version']}: {source} -> {target}")
    if update_pins:
        (ROOT / "vendor.json").write_text(json.dumps(spec, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
