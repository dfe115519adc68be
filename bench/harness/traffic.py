"""Generated inputs of a scenario: the capture to replay and the rule files, made once per run
(and per frame size) in the run's work directory."""

import dataclasses
import os
import subprocess
import sys

from . import scenarios as sc

TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools")
GEN_PCAP = os.path.join(TOOLS, "gen_pcap.py")
GEN_RULES = os.path.join(TOOLS, "gen_rules.py")


@dataclasses.dataclass
class Traffic:
    capture: str | None = None     # pcap replayed into the switch (replay and install kinds)
    rules_file: str | None = None  # rules1k: the rule set; install: the rules to install


def _generate(path, argv):
    if os.path.exists(path):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    result = subprocess.run([sys.executable, *argv[:1], *[a.replace("{out}", path + ".tmp")
                                                          for a in argv[1:]]],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{os.path.basename(argv[0])} failed: {result.stderr.strip()}")
    os.replace(path + ".tmp", path)
    return path


def prepare(scenario, workdir):
    """Generates what the scenario replays and installs; returns a Traffic."""
    out = os.path.join(workdir, "captures")
    traffic = Traffic()
    if scenario.kind not in (sc.KIND_REPLAY, sc.KIND_INSTALL):
        return traffic
    extra = []
    if scenario.pipeline == "rules1k":
        rules = os.path.join(out, f"rules{scenario.rules}-masks.txt")
        flows = os.path.join(out, f"rules{scenario.rules}-masks-{scenario.flows}flows.txt")
        if not (os.path.exists(rules) and os.path.exists(flows)):
            _generate(rules, [GEN_RULES, "masks", "--rules", str(scenario.rules), "--flows",
                              str(scenario.flows), "-o", "{out}", "--flow-tuples", flows])
        traffic.rules_file = rules
        extra = ["--flow-tuples", flows]
    if scenario.kind == sc.KIND_INSTALL:
        traffic.rules_file = _generate(os.path.join(out, f"install-{scenario.rules}.txt"),
                                       [GEN_RULES, "install", "--rules", str(scenario.rules),
                                        "-o", "{out}"])
    traffic.capture = _generate(os.path.join(out, scenario.capture_name()),
                                [GEN_PCAP, "-o", "{out}", *scenario.generator_args(), *extra])
    return traffic
