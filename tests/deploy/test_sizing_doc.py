"""docs/deploy.md's sizing tables are the generator's output (planner figures are never typed by hand)."""

from __future__ import annotations

from tests.conftest import REPO, load_script


def _generator():
    return load_script("gen_deploy_sizing")


def test_sizing_section_is_generated() -> None:
    generator = _generator()
    doc = (REPO / "docs" / "deploy.md").read_text("utf-8")
    assert generator.block() in doc, "docs/deploy.md sizing is stale: python scripts/gen_deploy_sizing.py"


def test_the_planner_is_conservative_against_every_measurement() -> None:
    """Within 25% above each measured peak, never more than 5% below: sizing from it does not under-buy."""
    generator = _generator()
    for (model, setup, batch), (measured_gib, _tps) in generator.MEASURED.items():
        planned = generator.measured_plan_gib(model, setup, batch)
        assert 0.95 * measured_gib <= planned <= 1.25 * measured_gib, (model, setup, batch, planned, measured_gib)


def test_fsdp_sharding_lowers_the_need_per_gpu() -> None:
    from training.planner import Plan, estimate

    generator = _generator()
    parts = estimate(Plan(shape=generator.SHAPES["llama31-70b"], method="lora", batch=1, seq_len=4096)).parts
    one, four = generator._per_gpu_gib(parts, 1), generator._per_gpu_gib(parts, 4)
    assert one > 80 > four and four < one / 2.5
