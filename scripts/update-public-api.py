#!/usr/bin/env python3
"""Brings a project's PublicAPI.Unshipped.txt in line with its code, from the PublicApiAnalyzers' own findings.

    scripts/update-public-api.py src/RdmaStack/RdmaStack.csproj

Builds the project, adds every symbol RS0016 reports as undeclared, drops every line RS0017 reports as no longer
public, and sorts the file. Run it after changing the public API on purpose, then review the diff: that diff is the
API change a reviewer sees."""
import re
import subprocess
import sys
from pathlib import Path

project = Path(sys.argv[1])
unshipped = project.parent / "PublicAPI.Unshipped.txt"
result = subprocess.run(
    ["dotnet", "build", str(project), "-c", "Release", "-v", "q", "-nologo", "-p:TreatWarningsAsErrors=false", "--no-incremental"],
    capture_output=True, text=True)
output = result.stdout + result.stderr
added = set(re.findall(r"RS0016: Symbol '(.+?)' is not part of the declared public API", output))
removed = set(re.findall(r"RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found", output))
lines = [l for l in unshipped.read_text().splitlines() if l and not l.startswith("#")]
lines = sorted((set(lines) - removed) | added, key=str.lower)
unshipped.write_text("#nullable enable\n" + "".join(l + "\n" for l in lines))
print(f"{unshipped}: {len(added)} added, {len(removed)} removed, {len(lines)} declared")
