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


def test_the_solver_is_scikit_learns_logistic_regression():
    import numpy as np
    import pytest
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    from classifier import LabeledDataError
    from classifier.train import _solve

    rng = np.random.default_rng(0)
    ngrams = sparse.random(120, 30, density=0.1, random_state=0, format="csr")
    dense, y, w = rng.normal(size=(120, 4)), rng.integers(0, 4, 120), rng.uniform(0.5, 2.0, 120)
    opts = TrainOptions(C=0.5, tol=1e-8)
    classes, coef, intercept = _solve(ngrams, dense, y, w, opts)
    clf = LogisticRegression(C=0.5, tol=1e-8, max_iter=opts.max_iter, solver=opts.solver)
    clf.fit(sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr"), y, sample_weight=w)
    assert classes.tolist() == [0, 1, 2, 3] and np.array_equal(coef, clf.coef_)
    assert np.array_equal(intercept, clf.intercept_)
    # two labels: the binomial fit as two softmax rows with the same probabilities
    classes, coef, intercept = _solve(ngrams, dense, y % 2, w, opts)
    clf.fit(sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr"), y % 2, sample_weight=w)
    x = sparse.hstack([ngrams, sparse.csr_matrix(dense)], format="csr")
    z = x @ coef.T + intercept
    p = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(p[:, 1] / p.sum(axis=1), clf.predict_proba(x)[:, 1], atol=1e-12)
    with pytest.raises(LabeledDataError, match="at least two labels"):
        _solve(ngrams, dense, np.zeros(120, dtype=int), w, opts)


def test_held_out_figures_of_a_small_training_set():
    pages = read_labeled([ROOT / "labeled" / "government.jsonl", ROOT / "labeled" / "spam_gambling.jsonl"])
    _, fig = train(pages, TrainOptions(holdout=0.2))
    assert fig["held_out_pages"] == round(len(pages) * 0.2)
    assert fig["segmented"]["accuracy"] >= 0.85 and fig["segmented"]["classes"]["spam"]["f1"] >= 0.6


def test_three_pages_train_without_held_out_figures(tmp_path):
    f = tmp_path / "three.jsonl"
    rows = [{"id": f"t{k}", "paragraphs": [{"text": "首页", "label": "navigation"},
                                           {"text": BODY[k % 2], "label": "article"},
                                           {"text": f"{BRAND}:注册送彩金 第{k}期", "label": "spam"}]} for k in range(3)]
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    code, out, err = run_cli("train", f, "-o", tmp_path / "m.npz")
    assert code == 0, err
    assert "no held-out figures: 3 pages are too few" in out and (tmp_path / "m.npz").exists()


def test_a_misspelled_weight_file_is_one_error(tmp_path):
    code, _, err = run_cli("train", ROOT / "labeled" / "government.jsonl", "--weight", "nwe.jsonl=5",
                           "-o", tmp_path / "m.npz")
    assert one_line_error(code, err, "--weight nwe.jsonl=5: no such input among the labeled files")
    assert not (tmp_path / "m.npz").exists()


# A maintainer labels three paragraphs of one page carrying an invented brand. Its name holds
# a common word (翠鸟, kingfisher): real bird news must not suffer from it.
BRAND2 = "翠鸟汇"
BODY2 = ["　　记者从市文旅局获悉，今年国庆假期全市共接待游客三百二十万人次，同比增长百分之十二，旅游收入二十六亿元。",
         "　　市文旅局相关负责人表示，假期期间各景区未发生重大安全事故，游客投诉量较去年同期下降三成。"]
TRAIN2 = [("翠鸟汇", "spam"), ("翠鸟汇:网 > 旅游 > 正文", "spam"), ("国庆假期接待游客三百二十万人次", "article"),
          (BODY2[0], "article"), (BODY2[1], "article"), ("  • 翠鸟汇:周末狂欢 注册即送好礼", "spam"),
          ("版权所有 © 本站　未经授权禁止转载", "navigation")]
UNSEEN2 = [  # the brand in positions the labels never showed: eight paragraphs on two pages
    ["翠鸟汇", "  • 首页", "  • 财经", "  • 社会", "翠鸟汇 > 财经 > 正文", "翠鸟汇:多地出台新政 支持老旧小区加装电梯",
     "　　近日，多个城市陆续出台支持老旧小区加装电梯的新政策，对符合条件的加装项目给予每台最高二十万元的财政补贴。",
     "　　业内人士分析，随着人口老龄化程度加深，加装电梯的需求将持续增长，相关政策有望在更多城市推广。",
     "  • 翠鸟汇 | 新用户首存即送彩金", "Copyright © 2024 翠鸟汇 版权所有"],
    ["本地新闻网", "首页 > 教育 > 正文", "秋季学期中小学课后服务全面铺开",
     "　　新学期开始后，全市所有公办中小学均已开展课后服务，参与学生比例超过九成，家长满意度明显提升。",
     "　　据翠鸟汇了解，课后服务内容包括作业辅导、体育锻炼和兴趣社团，每天持续到下午五点半左右。",
     "　　教育部门表示，将继续加强对课后服务质量的督导检查，杜绝变相补课和乱收费现象。",
     "相关阅读：翠鸟汇每日推荐 精彩不停", "【翠鸟汇】秋季学期家长会通知"],
]
BIRD = ["城市生态网", "首页 > 自然 > 正文", "湿地公园迎来翠鸟安家 市民争相拍摄",
        "　　入秋以来，城西湿地公园的水边多了一位色彩鲜艳的“新居民”——翠鸟。这种体型小巧、羽毛蓝绿相间的鸟类，"
        "常常停在芦苇杆上，盯准水面后一头扎下去捕食小鱼。",
        "图为一只翠鸟站在湖边的枯枝上。",
        "　　公园管理处工作人员介绍，翠鸟对水质要求较高，它的出现说明湿地的生态环境正在逐步改善。近两年公园持续清淤补水，"
        "水里的小鱼小虾明显多了。",
        "翠鸟",
        "　　观鸟爱好者提醒，拍摄时应与鸟类保持距离，不要使用闪光灯，更不要投喂或驱赶，以免惊扰翠鸟正常觅食和繁殖。",
        "翠鸟捕鱼瞬间。摄影 林晓", "责任编辑：周颖"]
BIRD_ARTICLE = [2, 3, 4, 5, 7, 8]


def _new_brand_file(tmp_path):
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "new-brand-2", "source": "test", "paragraphs": [
        {"text": t, "label": lab} for t, lab in TRAIN2]}, ensure_ascii=False) + "\n", encoding="utf-8")
    return new


def _brand_figures(cleaner):
    """(share of the unseen brand paragraphs labeled spam, bird article paragraphs kept)."""
    hits = [p.label == "spam" for page in cleaner.clean_many("\n".join(p) for p in UNSEEN2)
            for p in page.paragraphs if BRAND2 in p.text]
    assert len(hits) == 8
    bird = cleaner.clean("\n".join(BIRD)).paragraphs
    return sum(hits) / len(hits), [bird[i].kept for i in BIRD_ARTICLE]


def test_three_labels_teach_a_brand_without_weight(tmp_path):
    """No --weight: the brand is mined from the three labels and found in new positions."""
    files = [ROOT / "labeled" / f for f in ("government.jsonl", "news_simplified.jsonl", "hard_negatives.jsonl",
                                           "spam_gambling.jsonl")]
    pages = read_labeled(files + [_new_brand_file(tmp_path)])
    model, _ = train(pages, TrainOptions(holdout=0))
    assert BRAND2 in model.brands and "翠鸟" not in model.brands
    model.save(tmp_path / "m.npz")
    share, bird_kept = _brand_figures(Cleaner.load(tmp_path / "m.npz"))
    assert share >= 0.9 and all(bird_kept)


def test_the_retraining_loop_teaches_a_new_brand(tmp_path):
    shipped = Cleaner.load()
    before = shipped.clean("\n".join(UNSEEN_PAGE))
    missed = [p.text for p in before.paragraphs if BRAND in p.text and p.label != "spam"]
    assert missed, "the shipped model already knows the invented brand: the test would prove nothing"

    # A person labels three paragraphs of one page as spam, in a new file (and the 翠鸟汇 page).
    labels = ["spam", "spam", "article", "article", "article", "spam"]
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "new-brand-1", "source": "test", "paragraphs": [
        {"text": t, "label": lab} for t, lab in zip(TRAIN_PAGE, labels)]}, ensure_ascii=False) + "\n"
        + _new_brand_file(tmp_path).read_text(encoding="utf-8"), encoding="utf-8")
    model = tmp_path / "model.npz"
    # the shipped model's sources and the default held-out split, as the shipped model was
    # trained (scripts/model_card.py's REBUILD): its temperature is calibrated the same way, so
    # the seed figures below compare like with like
    import _shared

    cc100 = _shared.SHARED / "data" / "cc100" / "train.jsonl"
    shipped_sources = [ROOT / "labeled"] + (["--weight", f"{cc100.name}=3", cc100] if cc100.exists() else [])
    code, out, err = run_cli("train", *shipped_sources, new, "--weight", f"{new}=5", "-o", model)
    assert code == 0, err
    assert BRAND in out and BRAND2 in out  # train names the brands it learned
    code, out, _ = run_cli("keywords", model)
    assert code == 0 and BRAND2 in out.split("brands")[1]

    retrained = Cleaner.load(model)
    assert retrained.model.meta["C"] == TrainOptions().C  # the C it was trained with, also when defaulted
    after = retrained.clean("\n".join(UNSEEN_PAGE))
    for p in after.paragraphs:
        if BRAND in p.text:
            assert p.label == "spam", p.reason
    assert [p.kept for p in after.paragraphs][3:5] == [True, True]  # the article survives
    # weight 5 on the brand's page: the brand in new positions, and bird news unharmed
    share, bird_kept = _brand_figures(retrained)
    assert share >= 0.9 and all(bird_kept)

    if _shared.available():
        import eval_seeds

        assert eval_seeds.evaluate(retrained)["article_recall"] >= eval_seeds.evaluate(shipped)["article_recall"]
