#!/usr/bin/env python3
"""The baseline of `make bench`: the algorithm of AWS's own monitoring sample (aws-samples/aws-setup-vpn-monitoring,
templates/vpn-tunnel-monitoring.yaml), as docs/design/aws-behaviour.md §5.7 describes it: parse each tunnel-activity
event with json.loads, then look for 14 error strings in its details by substring. Written for the benchmark, with
the sample's per-event work and nothing more: no streams, no state, no diagnosis.

usage: sample_baseline.py FILE   (one JSON event per line)
"""
import json
import sys

ERRORS = [
    "Peer is not responsive",
    "No Proposal Match Found by AWS",
    "No proposal chosen",
    "invalid Pre-shared Key",
    "AWS tunnel received DELETE for Phase 2 SA",
    "AWS tunnel received DELETE for IKE_SA from CGW",
    "DPD timed out",
    "(CHILD_REKEY) collision as CHILD_DELETE",
    "redundant SA is being deleted due to detected collision",
    "Phase 2 was unable to establish while keeping Phase 1",
    "TS_UNACCEPTABLE",
    "AUTHENTICATION_FAILED",
    "pre-shared key mismatch",
    "deleting un-established Phase 1 IKE_SA with cgw",
]


def main(path):
    counts = dict.fromkeys(ERRORS, 0)
    events = malformed = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            events += 1
            try:
                record = json.loads(line)
            except ValueError:
                malformed += 1
                continue
            details = record.get("details") or ""
            for error in ERRORS:
                if error in details:
                    counts[error] += 1
    print(f"{events} events, {malformed} malformed")
    for error, n in counts.items():
        if n:
            print(f"{n:9d}  {error}")


if __name__ == "__main__":
    main(sys.argv[1])
