"""Builds in a row each equal a clean build (issue 10's soak, CI size).

``make bench`` runs the full soak: 20 builds beside two CPU-bound processes (``bench/soak.py``);
here the machine is left alone, so the four builds take what a user's would.
"""

from pathlib import Path

from bench.soak import capture_steps, run_soak


def test_capture_steps_cover_every_file_once_with_an_empty_step() -> None:
    files = [
        Path(f"brecorder_2024-10-{day:02d}_{hour:02d}0000.txt")
        for day in (14, 15, 16)
        for hour in (10, 13, 16)
    ]
    steps = capture_steps(files, 5)
    assert len(steps) == 5
    assert [path for step in steps for path in step] == files
    assert steps[0] == files[:3]
    assert any(not step for step in steps[1:])


def test_builds_as_captures_arrive_equal_a_clean_build_each_time(tmp_path: Path) -> None:
    result = run_soak(tmp_path, builds=4, days=4, captures_per_day=3, busy=0)
    assert result.builds == 4
    assert 0 in result.captures_per_build[1:]
    assert result.clean_builds >= 1
    assert result.differences == []
