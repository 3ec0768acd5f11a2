"""The model file never executes code, and every bad file gives one clear ModelError."""
import json
import pickle
import zipfile

import numpy as np
import pytest

from classifier import Cleaner, ModelError
from classifier.model_paths import shipped_model_path as default_model_path
from classifier.model import FORMAT_VERSION, Model


class _Boom:
    def __reduce__(self):
        import os

        return (os.system, ("touch /tmp/webspam-pwned",))


@pytest.fixture(scope="module")
def model():
    return Model.load(default_model_path())


def test_round_trip_is_identical(model, tmp_path):
    path = tmp_path / "m.npz"
    model.save(path)
    again = Model.load(path)
    assert np.array_equal(again.ngram_weights, model.ngram_weights)
    assert again.dense_names == model.dense_names and again.keywords == [tuple(k) for k in model.keywords]
    path2 = tmp_path / "m2.npz"
    again.save(path2)
    assert path.read_bytes() == path2.read_bytes()  # saving is deterministic


@pytest.mark.parametrize("writer", ["pickle", "joblib", "npz-with-object-array"])
def test_malicious_files_are_refused_without_running_code(tmp_path, writer):
    import os

    marker = "/tmp/webspam-pwned"
    if os.path.exists(marker):
        os.remove(marker)
    path = tmp_path / "webspam.npz"
    if writer == "pickle":
        path.write_bytes(pickle.dumps(_Boom()))
    elif writer == "joblib":
        import joblib

        joblib.dump(_Boom(), path)
    else:
        np.savez(path, meta=np.array([_Boom()], dtype=object))
    with pytest.raises(ModelError) as err:
        Cleaner.load(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    assert not os.path.exists(marker)


def test_truncated_file(model, tmp_path):
    good = tmp_path / "good.npz"
    model.save(good)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ModelError, match="cannot read model file"):
        Model.load(bad)


def test_newer_format_version_is_refused(model, tmp_path):
    path = tmp_path / "new.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(bytes(arrays["meta"]).decode())
    meta["format_version"] = FORMAT_VERSION + 1
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ModelError, match=f"version {FORMAT_VERSION + 1} is not supported"):
        Model.load(path)


@pytest.mark.parametrize("kind", ["missing", "directory", "text", "zip-without-meta"])
def test_other_bad_paths(tmp_path, kind):
    path = tmp_path / "m.npz"
    if kind == "directory":
        path.mkdir()
    elif kind == "text":
        path.write_text("not a model")
    elif kind == "zip-without-meta":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("x.npy", b"")
    with pytest.raises(ModelError) as err:
        Model.load(path)
    assert str(path) in str(err.value)
