"""Training: deterministic output, and the retraining loop a crawl maintainer runs."""
import hashlib
import json
from pathlib import Path


from classifier import Cleaner
from conftest import one_line_error, run_cli
from classifier.labeled import read_labeled
from classifier.train import TrainOptions, train

ROOT = Path(__file__).resolve().parent.parent
BRAND = "琉璃湾"  # invented for this test: no such brand is in labeled/


def test_training_is_deterministic(tmp_path):
    pages = read_labeled([ROOT / "labeled" / "government.jsonl", ROOT / "labeled" / "spam_gambling.jsonl"])
    digests, figures = [], []
    for k in range(2):
        model, fig = train(pages, TrainOptions(holdout=0.2, max_iter=60))
        model.save(tmp_path / f"m{k}.npz")
        digests.append(hashlib.sha256((tmp_path / f"m{k}.npz").read_bytes()).hexdigest())
        figures.append(json.dumps(fig, sort_keys=True))
    assert digests[0] == digests[1] and figures[0] == figures[1]


def test_features_of_pages_together_are_those_of_each_page_alone(monkeypatch):
    import numpy as np
    from scipy import sparse

    from classifier import train as training
    from classifier.features import batches, dense_features, page_of, pattern_keywords
    from classifier.lexicon import Matcher, builtin_keywords

    pages = training.with_clean_pages(read_labeled([ROOT / "labeled" / "government.jsonl",
                                                    ROOT / "labeled" / "spam_gambling.jsonl"]), 1.0)
    matcher = Matcher.build(list(builtin_keywords()) + pattern_keywords())
    rows, cols, vals, dense = [], [], [], []
    offset = 0
    for page in pages:  # page by page, as training did before pages were taken together
        found = list(batches(*page_of(page.texts), matcher))
        for b in found:
            rows.append(b.ngram_pid.astype(np.int64) + offset + b.first)
            cols.append(b.ngram_hash)
            vals.append(b.paragraph_scale[b.ngram_pid])
        dense.append(dense_features(np.concatenate([b.stats for b in found]),
                                    np.concatenate([b.fingerprint for b in found]))[0])
        offset += len(page.texts)
    monkeypatch.setattr(training, "CHUNK_CHARS", 1500)  # many chunks, and pages longer than one
    assert any(sum(map(len, p.texts)) > 1500 for p in pages)
    ngrams, got_dense, _ = training._features(pages, matcher)
    expected = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                 shape=ngrams.shape, dtype=np.float64)
    assert (ngrams != expected).nnz == 0
    assert np.array_equal(got_dense, np.concatenate(dense))


def test_train_refuses_broken_data_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "paragraphs": [{"text": "正文", "label": "article"}]}\n{"id": "b", "paragraphs": [{"text": "x", "label": "junk"}]}\n', encoding="utf-8")
    out = tmp_path / "m.npz"
    code, _, err = run_cli("train", bad, "-o", out)
    assert one_line_error(code, err, f"{bad}:2:", "junk")
    assert not out.exists()


def _page(site_lines, body):
    return "\n".join(site_lines + body)


BODY = ["　　本市今年将新建和改扩建中小学二十所，新增学位一万八千个，缓解城区学位紧张问题。",
        "　　市教育局表示，新建学校将同步配建图书馆、体育馆和食堂，确保秋季学期按时投入使用。"]
TRAIN_PAGE = [f"{BRAND}", f"{BRAND}:网 > 教育 > 正文", "城区新增学位一万八千个", *BODY, f"  • {BRAND}:秋季活动火热进行中"]
UNSEEN_PAGE = ["  • 首页", f"{BRAND}:网 > 社会 > 正文", "老旧小区改造惠及三千户居民",
               "　　今年以来，全区共改造老旧小区二十个，惠及居民三千余户，改造内容包括管网更新、外墙保温和加装电梯。",
               "　　区住建局负责人介绍，改造过程中充分听取居民意见，做到一小区一方案，居民满意度明显提升。",
               f"  • {BRAND}:会员专享 每日签到领好礼"]


def test_the_retraining_loop_teaches_a_new_brand(tmp_path):
    shipped = Cleaner.load()
    before = shipped.clean("\n".join(UNSEEN_PAGE))
    missed = [p.text for p in before.paragraphs if BRAND in p.text and p.label != "spam"]
    assert missed, "the shipped model already knows the invented brand: the test would prove nothing"

    # A person labels three paragraphs of one page as spam, in a new file.
    labels = ["spam", "spam", "article", "article", "article", "spam"]
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "new-brand-1", "source": "test", "paragraphs": [
        {"text": t, "label": lab} for t, lab in zip(TRAIN_PAGE, labels)]}, ensure_ascii=False) + "\n", encoding="utf-8")
    model = tmp_path / "model.npz"
    # the default held-out split, as the shipped model was trained: its temperature is
    # calibrated the same way, so the seed figures below compare like with like
    code, _, err = run_cli("train", ROOT / "labeled", new, "--weight", f"{new}=5", "-o", model)
    assert code == 0, err

    retrained = Cleaner.load(model)
    assert retrained.model.meta["C"] == TrainOptions().C  # the C it was trained with, also when defaulted
    after = retrained.clean("\n".join(UNSEEN_PAGE))
    for p in after.paragraphs:
        if BRAND in p.text:
            assert p.label == "spam", p.reason
    assert [p.kept for p in after.paragraphs][3:5] == [True, True]  # the article survives

    import _shared

    if _shared.available():
        import eval_seeds

        assert eval_seeds.evaluate(retrained)["article_recall"] >= eval_seeds.evaluate(shipped)["article_recall"]
