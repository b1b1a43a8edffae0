"""Power of the response analysis: days needed to detect a 2-point change (synthetic, seeded).

Prints, for equal numbers of analysed baseline and maintenance days and a few day-to-day
standard deviations (AR(1) rho = 0.5), the share of synthetic diaries in which the 95 % CI
excludes 0 when the true change is 2 points (power to detect), and the share called
``likely_responder`` when the true change is 3 points. Scores are rounded to whole numbers
as patients record them. Run: ``.venv/bin/python docs/examples/power.py [--reps 200]``.
"""

from __future__ import annotations

import argparse

from ldncare.core.response import analyze_response, simulate_diary

DAYS = (7, 14, 21, 28, 42, 56)
SDS = (1.0, 1.5, 2.0)


def power_table(reps: int = 200, days=DAYS, sds=SDS, rho: float = 0.5) -> dict:
    table = {}
    for sd in sds:
        for n in days:
            detect = respond = 0
            for r in range(reps):
                kwargs = dict(seed=10_000 * int(sd * 10) + 100 * n + r, baseline_days=n, maintenance_days=n + 14,
                              rho=rho, sd=sd, missing_fraction=0.0, side_effects=False)
                a = analyze_response(simulate_diary(effect_points=-2.0, **kwargs), "pain",
                                     min_baseline_days=5, min_maintenance_days=5)
                detect += a.ci95[1] < 0
                b = analyze_response(simulate_diary(effect_points=-3.0, **kwargs), "pain",
                                     min_baseline_days=5, min_maintenance_days=5)
                respond += b.status == "likely_responder"
            table[(sd, n)] = (detect / reps, respond / reps)
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    table = power_table(args.reps)
    print("| day-to-day SD | " + " | ".join(f"{n} + {n} days" for n in DAYS) + " |")
    print("|---|" + "---|" * len(DAYS))
    for sd in SDS:
        cells = [f"{100 * table[(sd, n)][0]:.0f}% / {100 * table[(sd, n)][1]:.0f}%" for n in DAYS]
        print(f"| {sd:g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
