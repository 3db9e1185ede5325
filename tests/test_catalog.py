"""Tests of the model catalog: openrouter/catalog.py, the `tools.catalog` command and models/llm.

The expected counts and id sets below were worked out by hand with jq on the recorded lists, not
with this code, for example:
    jq '[.data[] | select((.id|endswith(":free")) and (.pricing.prompt|tonumber) == 0
         and (.pricing.completion|tonumber) == 0)] | length' FILE
"""

import copy
import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import responses
import yaml
from tests.conftest import FIXTURES, PROJECT_ROOT
from dify_plugin.entities.model import AIModelEntity
from dify_plugin.entities.model.provider import ModelProviderConfiguration

from openrouter.catalog import CatalogError, file_name, free_variants, model_entity
from tools.catalog import main
from tools.catalog_update import update_catalog
from tools.model_lists import fetch_models_list

MODELS_DIR = FIXTURES / "real" / "models"
LIST_2026_06_16 = MODELS_DIR / "2026-06-16_chlnga-models-pie_openrouter-models.json"
LIST_2026_05_12 = MODELS_DIR / "2026-05-12_sinkers-aiscanner_openrouter_models.json"
SHIPPED_DIR = PROJECT_ROOT / "models" / "llm"

# Free models present on 2026-05-12 and gone on 2026-06-16.
RETIRED_BY_2026_06_16 = {
    "arcee-ai/trinity-large-thinking:free",
    "baidu/cobuddy:free",
    "deepseek/deepseek-v4-flash:free",
    "minimax/minimax-m2.5:free",
    "z-ai/glm-4.5-air:free",
}
ADDED_BY_2026_06_16 = {
    "nex-agi/nex-n2-pro:free",
    "nvidia/nemotron-3-ultra-550b-a55b:free",
    "nvidia/nemotron-3.5-content-safety:free",
}
# gemma-4-26b and gpt-oss-20b gained sampling parameters, and gpt-oss-20b structured outputs too.
# Both Laguna models went from 131072 to 262144 context and from 8192 to 32768 output tokens.
# gemma-4-31b only gained `stop`, which has no parameter rule, so its file does not change.
CHANGED_BY_2026_06_16 = {
    "google/gemma-4-26b-a4b-it:free",
    "openai/gpt-oss-20b:free",
    "poolside/laguna-m.1:free",
    "poolside/laguna-xs.2:free",
}


@cache
def _load_json(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_list(path: Path) -> dict:
    return json.loads(_load_json(path))


def entry(model_id: str, path: Path = LIST_2026_06_16) -> dict:
    return next(model for model in load_list(path)["data"] if model["id"] == model_id)


def rule_names(entity: dict) -> list[str]:
    return [rule["name"] for rule in entity["parameter_rules"]]


def rule(entity: dict, name: str) -> dict:
    return next(rule for rule in entity["parameter_rules"] if rule["name"] == name)


def read_yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- which models are free ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("list_name", "expected"),
    [
        ("2026-06-16_chlnga-models-pie_openrouter-models.json", 22),
        ("2026-05-12_sinkers-aiscanner_openrouter_models.json", 24),
        ("2026-01-29_Xiechengqi-openrouter-free-api_openrouter-models.json", 33),
        ("2025-11_ItsDalk-Lane-obsidian-openchat_openrouter_models.json", 45),
        ("2025-07-23_rajashekar-lc_models-openrouter.json", 55),
    ],
)
def test_free_variant_count(list_name, expected):
    assert len(free_variants(load_list(MODELS_DIR / list_name))) == expected


def test_routers_and_paid_models_excluded():
    ids = {model["id"] for model in free_variants(load_list(LIST_2026_06_16))}

    assert "openrouter/free" not in ids
    assert "openrouter/auto" not in ids
    assert "openrouter/owl-alpha" not in ids
    assert all(model_id.endswith(":free") for model_id in ids)


def test_free_variant_price_rules():
    template = entry("qwen/qwen3-coder:free")
    cases = {
        "numeric/zero:free": {"prompt": 0, "completion": 0.0},
        "router/minus-one:free": {"prompt": "-1", "completion": "-1"},
        "paid/model:free": {"prompt": "0.000001", "completion": "0"},
    }
    data = []
    for model_id, pricing in cases.items():
        data.append({**copy.deepcopy(template), "id": model_id, "pricing": pricing})
    data.append({**copy.deepcopy(template), "id": "openrouter/free"})

    ids = [model["id"] for model in free_variants({"data": data})]

    assert ids == ["numeric/zero:free"]


# --- one model entity --------------------------------------------------------------------------

def test_entity_vision_reasoning_structured():
    entity = model_entity(entry("nex-agi/nex-n2-pro:free"))

    assert entity["label"] == {"en_US": "Nex AGI: Nex-N2-Pro (free)"}
    assert entity["model_properties"] == {"mode": "chat", "context_size": 262144}
    assert rule(entity, "max_tokens")["max"] == 262144
    assert rule(entity, "max_tokens")["default"] == 4096
    assert entity["features"] == [
        "tool-call", "multi-tool-call", "stream-tool-call", "structured-output", "agent-thought", "vision",
    ]
    assert rule(entity, "response_format")["options"] == ["text", "json_object", "json_schema"]
    # Recommended values from the model's default_parameters.
    assert rule(entity, "temperature")["default"] == 0.7
    assert rule(entity, "top_k")["default"] == 40


def test_entity_without_tools():
    entity = model_entity(entry("nvidia/nemotron-3.5-content-safety:free"))

    assert entity["model_properties"]["context_size"] == 128000
    assert rule(entity, "max_tokens")["max"] == 8192
    assert entity["features"] == ["agent-thought", "vision"]
    assert rule_names(entity) == [
        "temperature", "top_p", "max_tokens", "seed", "reasoning_effort", "hide_reasoning", "fallback_models",
    ]


def test_entity_audio_and_video_input():
    entity = model_entity(entry("nvidia/nemotron-3-nano-omni-30b-a3b-reasoning:free"))

    assert entity["model_properties"]["context_size"] == 256000
    assert rule(entity, "max_tokens")["max"] == 65536
    assert entity["features"] == [
        "tool-call", "multi-tool-call", "stream-tool-call", "agent-thought", "vision", "audio", "video",
    ]


def test_entity_context_from_own_row():
    # The row's context_length is 1048576, and its top_provider.context_length is 262000.
    entity = model_entity(entry("qwen/qwen3-coder:free"))

    assert entity["model_properties"]["context_size"] == 1048576
    assert rule(entity, "max_tokens")["max"] == 262000
    assert entity["features"] == ["tool-call", "multi-tool-call", "stream-tool-call"]
    assert "reasoning_effort" not in rule_names(entity)
    assert "response_format" not in rule_names(entity)


def test_entity_null_max_completion_tokens():
    entity = model_entity(entry("meta-llama/llama-3.2-3b-instruct:free"))

    assert entity["model_properties"]["context_size"] == 131072
    assert rule(entity, "max_tokens")["max"] == 131072
    assert entity["features"] == []
    assert rule_names(entity) == [
        "temperature", "top_p", "top_k", "presence_penalty", "frequency_penalty", "max_tokens",
        "fallback_models",
    ]


def test_entity_structured_output_without_tools():
    entity = model_entity(entry("cognitivecomputations/dolphin-mistral-24b-venice-edition:free"))

    assert entity["model_properties"]["context_size"] == 32768
    assert rule(entity, "max_tokens")["max"] == 32768
    assert entity["features"] == ["structured-output"]
    assert rule(entity, "json_schema")["use_template"] == "json_schema"
    assert rule(entity, "json_schema")["type"] == "text"


def test_response_format_without_structured_outputs():
    entity = model_entity(entry("google/gemma-4-31b-it:free"))

    response_format = rule(entity, "response_format")
    assert response_format["options"] == ["text", "json_object"]
    assert response_format["type"] == "string"
    assert "use_template" not in response_format


def test_label_whitespace_collapsed():
    # The API name is "Google: Gemma 4 26B A4B  (free)", with two spaces.
    entity = model_entity(entry("google/gemma-4-26b-a4b-it:free"))

    assert entity["label"] == {"en_US": "Google: Gemma 4 26B A4B (free)"}


def test_max_tokens_always_present():
    model = copy.deepcopy(entry("qwen/qwen3-coder:free"))
    model["supported_parameters"].remove("max_tokens")
    model["top_provider"]["max_completion_tokens"] = 2000

    max_tokens = rule(model_entity(model), "max_tokens")

    assert max_tokens["max"] == 2000
    assert max_tokens["default"] == 2000
    assert max_tokens["min"] == 1


def test_out_of_range_default_ignored():
    model = copy.deepcopy(entry("nex-agi/nex-n2-pro:free"))
    model["default_parameters"]["temperature"] = 5
    model["default_parameters"]["top_k"] = True

    entity = model_entity(model)

    assert rule(entity, "temperature")["default"] == 1.0
    assert rule(entity, "top_k")["default"] == 0


def test_paid_model_rejected():
    model = {**entry("qwen/qwen3-coder:free"), "pricing": {"prompt": "0.000002", "completion": "0"}}

    with pytest.raises(CatalogError, match="not free"):
        model_entity(model)


@pytest.mark.parametrize(
    "path", ["context_length", "name", "supported_parameters", "architecture", "top_provider"]
)
def test_missing_field_named(path):
    model = copy.deepcopy(entry("qwen/qwen3-coder:free"))
    del model[path]

    with pytest.raises(CatalogError, match=f"qwen/qwen3-coder:free.*'{path}"):
        model_entity(model)


def test_entities_validate_in_sdk():
    for model in free_variants(load_list(LIST_2026_06_16)):
        AIModelEntity(**model_entity(model))


# --- file names --------------------------------------------------------------------------------

def test_file_name_mapping():
    assert file_name("qwen/qwen3-coder:free") == "qwen__qwen3-coder--free.yaml"
    assert file_name("nvidia/nemotron-3.5-content-safety:free") == "nvidia__nemotron-3.5-content-safety--free.yaml"


@pytest.mark.parametrize("model_id", ["a/b\\c:free", "a/b c:free", "a/b?:free", ".hidden:free", ""])
def test_file_name_rejects_unsafe(model_id):
    with pytest.raises(CatalogError, match="cannot become a file name"):
        file_name(model_id)


@pytest.mark.parametrize("second_id", ["a__b:free", "A/b:free"])
def test_file_name_collision(tmp_path, second_id):
    template = entry("qwen/qwen3-coder:free")
    models_list = {"data": [{**template, "id": "a/b:free"}, {**template, "id": second_id}]}

    with pytest.raises(CatalogError, match="both map to file"):
        update_catalog(models_list, tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- the catalog across runs -------------------------------------------------------------------

def test_retirement_between_real_lists(tmp_path):
    update_catalog(load_list(LIST_2026_05_12), tmp_path)

    update = update_catalog(load_list(LIST_2026_06_16), tmp_path)

    assert set(update.added) == ADDED_BY_2026_06_16
    assert set(update.retired) == RETIRED_BY_2026_06_16
    assert set(update.changed) == CHANGED_BY_2026_06_16
    assert len(update.unchanged) == 15
    assert update.returned == []

    position = read_yaml(tmp_path / "_position.yaml")
    assert len(position) == 22
    for model_id in RETIRED_BY_2026_06_16:
        assert model_id not in position
        retired = read_yaml(tmp_path / file_name(model_id))
        assert retired["deprecated"] is True
        assert retired["model"] == model_id
        AIModelEntity(**retired)
    for model_id in position:
        assert "deprecated" not in read_yaml(tmp_path / file_name(model_id))


def test_change_descriptions(tmp_path):
    update_catalog(load_list(LIST_2026_05_12), tmp_path)

    update = update_catalog(load_list(LIST_2026_06_16), tmp_path)

    assert update.changed["poolside/laguna-m.1:free"] == [
        "context_size 131072 -> 262144", "max_tokens.max 8192 -> 32768",
    ]
    assert "feature +structured-output" in update.changed["openai/gpt-oss-20b:free"]
    assert "rule +top_k" in update.changed["google/gemma-4-26b-a4b-it:free"]


def test_retired_model_returns(tmp_path):
    update_catalog(load_list(LIST_2026_05_12), tmp_path)
    update_catalog(load_list(LIST_2026_06_16), tmp_path)

    update = update_catalog(load_list(LIST_2026_05_12), tmp_path)

    assert set(update.returned) == RETIRED_BY_2026_06_16
    assert set(update.added) == RETIRED_BY_2026_06_16
    assert set(update.retired) == ADDED_BY_2026_06_16
    for model_id in RETIRED_BY_2026_06_16:
        assert "deprecated" not in read_yaml(tmp_path / file_name(model_id))
    assert len(read_yaml(tmp_path / "_position.yaml")) == 24


def test_second_run_changes_nothing(tmp_path):
    update_catalog(load_list(LIST_2026_06_16), tmp_path)
    first = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    update = update_catalog(load_list(LIST_2026_06_16), tmp_path)

    assert update.added == []
    assert update.changed == {}
    assert update.retired == []
    assert len(update.unchanged) == 22
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == first


def test_header_states_command_and_date(tmp_path):
    update_catalog(load_list(LIST_2026_06_16), tmp_path)

    text = (tmp_path / "qwen__qwen3-coder--free.yaml").read_text(encoding="utf-8")

    assert text.startswith("# Generated by `make catalog SOURCE=...` (python -m tools.catalog)")
    assert "created on 2026-06-16." in text.splitlines()[1]


def test_misnamed_catalog_file_rejected(tmp_path):
    update_catalog(load_list(LIST_2026_06_16), tmp_path)
    (tmp_path / "qwen__qwen3-coder--free.yaml").rename(tmp_path / "qwen-coder.yaml")

    with pytest.raises(CatalogError, match="Rename it to qwen__qwen3-coder--free.yaml"):
        update_catalog(load_list(LIST_2026_06_16), tmp_path)


# --- pagination --------------------------------------------------------------------------------

PAGE_URL = "http://127.0.0.1:8999/api/v1/models"


@responses.activate
def test_links_next_pagination(tmp_path):
    data = load_list(LIST_2026_06_16)["data"]
    half = len(data) // 2
    page_2_url = PAGE_URL + "?page=2"
    responses.get(
        PAGE_URL,
        json={"data": data[:half], "total_count": len(data), "links": {"next": "/api/v1/models?page=2"}},
        match=[responses.matchers.query_param_matcher({})],
    )
    responses.get(page_2_url, json={"data": data[half:], "total_count": len(data), "links": {"next": None}})

    models_list = fetch_models_list(PAGE_URL)
    update = update_catalog(models_list, tmp_path)

    assert [call.request.url for call in responses.calls] == [PAGE_URL, page_2_url]
    assert len(models_list["data"]) == 337
    assert len(update.added) == 22


@responses.activate
def test_pagination_loop_rejected():
    responses.get(PAGE_URL, json={"data": [], "links": {"next": PAGE_URL}})

    with pytest.raises(CatalogError, match="already fetched"):
        fetch_models_list(PAGE_URL)


@responses.activate
def test_http_error_reported():
    responses.get(PAGE_URL, status=503, body="upstream unavailable")

    with pytest.raises(CatalogError, match="HTTP 503"):
        fetch_models_list(PAGE_URL)


@responses.activate
def test_cli_reads_url(tmp_path, capsys):
    responses.get(PAGE_URL, body=_load_json(LIST_2026_06_16))

    status = main([PAGE_URL, "--out-dir", str(tmp_path)])

    assert status == 0
    assert "Added 22:" in capsys.readouterr().out
    assert len(read_yaml(tmp_path / "_position.yaml")) == 22


# --- bad input through the real command --------------------------------------------------------

def _run_cli(source: Path, out_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.catalog", str(source), "--out-dir", str(out_dir)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )


def _without(model_id: str, field: str) -> dict:
    models_list = load_list(LIST_2026_06_16)
    next(model for model in models_list["data"] if model["id"] == model_id).pop(field)
    return models_list


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<html>rate limited</html>", "is not a JSON file"),
        (json.dumps({"models": []}), "must be a JSON object with a 'data' list"),
        (json.dumps(_without("qwen/qwen3-coder:free", "context_length")), "'context_length' is missing"),
        (json.dumps(_without("qwen/qwen3-coder:free", "pricing")), "'pricing.prompt' is missing"),
        (json.dumps({"data": [], "links": {"next": "/api/v1/models?page=2"}}), "one page of a paginated"),
    ],
)
def test_cli_bad_input(tmp_path, content, message):
    source = tmp_path / "models.json"
    source.write_text(content, encoding="utf-8")
    out_dir = tmp_path / "llm"

    result = _run_cli(source, out_dir)

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


def test_cli_missing_file(tmp_path):
    result = _run_cli(tmp_path / "absent.json", tmp_path / "llm")

    assert result.returncode == 1
    assert "cannot read" in result.stderr
    assert "Traceback" not in result.stderr


# --- the shipped catalog -----------------------------------------------------------------------

def test_shipped_catalog_matches_generator(tmp_path):
    for path in SHIPPED_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    shipped = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    update = update_catalog(load_list(LIST_2026_06_16), tmp_path)

    assert update.added == []
    assert update.changed == {}
    assert update.retired == []
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == shipped


def test_shipped_yaml_complete_in_both_languages():
    paths = [path for path in SHIPPED_DIR.glob("*.yaml") if path.name != "_position.yaml"]
    assert len(paths) >= 22

    for path in paths:
        data = read_yaml(path)
        AIModelEntity(**copy.deepcopy(data))
        for parameter_rule in data["parameter_rules"]:
            where = f"{path.name} rule {parameter_rule['name']}"
            assert set(parameter_rule["label"]) == {"en_US", "zh_Hans"}, where
            assert set(parameter_rule["help"]) == {"en_US", "zh_Hans"}, where
            assert all(parameter_rule["label"].values()), where
            assert all(parameter_rule["help"].values()), where


def test_shipped_position_lists_current_models():
    position = read_yaml(SHIPPED_DIR / "_position.yaml")
    current = {
        data["model"]
        for data in map(read_yaml, SHIPPED_DIR.glob("*.yaml"))
        if isinstance(data, dict) and not data.get("deprecated")
    }

    assert position == sorted(current)


def test_provider_loads_shipped_models(monkeypatch):
    # The SDK resolves the provider's `models/llm/*.yaml` glob against the working directory.
    monkeypatch.chdir(PROJECT_ROOT)
    provider = read_yaml(PROJECT_ROOT / "provider" / "openrouter_free.yaml")

    configuration = ModelProviderConfiguration(**provider)

    loaded = {model.model: model for model in configuration.models}
    assert len(loaded) >= 22
    assert configuration.position.llm == read_yaml(SHIPPED_DIR / "_position.yaml")
    vision_model = loaded["nex-agi/nex-n2-pro:free"]
    assert vision_model.parameter_rules[0].label.zh_hans == "温度"
