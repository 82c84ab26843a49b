from __future__ import annotations

import codecs
import hashlib
import pickle
import random
from pathlib import Path

import charset_normalizer
import pytest

from policykg.corpus.convert import normalize
from policykg.corpus.errors import CorpusError, UnreadableSource
from policykg.corpus.models import Line
from policykg.corpus.read import list_sources, plausibility, read_source, split_lines

TEXTS = Path(__file__).resolve().parent.parent / "corpus" / "texts"
SEEDS = {path.name[:3]: path for path in sorted(TEXTS.iterdir())}
SIMPLIFIED_SEEDS = ["000", "001", "002", "003"]
TRADITIONAL_SEED = "004"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_shipped_corpus_lists_five_texts() -> None:
    assert [path.name[:3] for path in list_sources([TEXTS])] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_shipped_texts_are_utf8(seed: str) -> None:
    raw = SEEDS[seed].read_bytes()
    source = read_source(SEEDS[seed])
    assert source.encoding == "utf-8"
    assert source.text == raw.decode("utf-8")
    assert source.sha256 == hashlib.sha256(raw).hexdigest()
    assert source.path == SEEDS[seed]


@pytest.mark.parametrize("seed", SIMPLIFIED_SEEDS)
def test_gbk_copy_decodes_to_same_text(seed: str, tmp_path: Path) -> None:
    text = SEEDS[seed].read_text("utf-8")
    raw = text.encode("gb18030")
    source = read_source(write(tmp_path / "gbk.txt", raw))
    assert source.encoding == "gb18030"
    assert source.text == text
    assert source.sha256 == hashlib.sha256(raw).hexdigest()


def test_big5_copy_of_traditional_text_decodes_to_same_text(tmp_path: Path) -> None:
    text = SEEDS[TRADITIONAL_SEED].read_text("utf-8")
    raw = text.encode("big5")  # the whole of 004 is in Big5: strict encoding succeeds
    source = read_source(write(tmp_path / "big5.txt", raw))
    assert source.encoding == "big5"
    assert source.text == text
    assert len(text) == 8629 and text.endswith("各區政府）")  # the whole file, not a chunk


def test_big5_bytes_read_as_gb18030_score_low() -> None:
    raw = SEEDS[TRADITIONAL_SEED].read_text("utf-8").encode("big5")
    assert plausibility(raw.decode("big5")) == 1.0
    assert plausibility(raw.decode("gb18030")) < 0.5


# Texts of the realcorpus laws (Big5 after OpenCC s2tw) that charset-normalizer misreads even
# when it may only choose among the codecs read.py tries: its mess measure counts full-width
# brackets and ＝×÷ against the right reading, and it has no model of Chinese to weigh the
# wrong one (coherence 0). Decoding every law whole and one line of each, in GB18030 and in
# Big5 (4,871 texts), it misread or refused 19 and plausibility none, so read.py keeps its
# own choice; this test fails when charset-normalizer reads them right.
MISREAD_BY_CHARSET_NORMALIZER = [
    ("gb18030", "（三）具体工作建议；"),
    ("gb18030", "（六）车辆整洁。"),
    ("gb18030", "（九）劳动合同管理；"),
    ("gb18030", "日工资：月工资收入÷月计薪天数"),
    ("gb18030", "实行复合计税办法计算的应纳税额＝销售额×比例税率＋销售数量×定额税率"),
    ("big5", "（三）涉案物品清單；"),
    ("big5", "實行復合計稅辦法計算的應納稅額＝銷售額×比例稅率＋銷售數量×定額稅率"),
]


@pytest.mark.parametrize(("codec", "text"), MISREAD_BY_CHARSET_NORMALIZER)
def test_plausibility_reads_what_charset_normalizer_misreads(codec: str, text: str, tmp_path: Path) -> None:
    raw = text.encode(codec)
    best = charset_normalizer.from_bytes(raw, cp_isolation=["utf_8", "gb18030", "big5", "big5hkscs"]).best()
    assert best is None or str(best) != text
    source = read_source(write(tmp_path / "line.txt", raw))
    assert (source.encoding, source.text) == (codec, text)


def test_hkscs_characters_pick_big5hkscs(tmp_path: Path) -> None:
    # 啲 and 嘅 are Cantonese characters in HKSCS but not in plain Big5.
    text = SEEDS[TRADITIONAL_SEED].read_text("utf-8")[:2000] + "\n呢啲係廣州嘅政策。\n"
    source = read_source(write(tmp_path / "hkscs.txt", text.encode("big5hkscs")))
    assert source.encoding == "big5hkscs"
    assert source.text == text


@pytest.mark.parametrize("seed", ["001", TRADITIONAL_SEED])
def test_single_lines_in_legacy_codecs(seed: str, tmp_path: Path) -> None:
    # A short file gives the plausibility score little to go on.
    line = SEEDS[seed].read_text("utf-8").strip().splitlines()[0]
    codec = "big5" if seed == TRADITIONAL_SEED else "gb18030"
    source = read_source(write(tmp_path / "line.txt", line.encode(codec)))
    assert (source.encoding, source.text) == (codec, line)


def test_bom_and_line_endings(tmp_path: Path) -> None:
    raw = "\ufeff第一条\r\n第二条\r第三条\n".encode("utf-8")
    source = read_source(write(tmp_path / "bom.md", raw))
    assert source.encoding == "utf-8-sig"
    assert source.text == "第一条\n第二条\n第三条\n"
    assert source.sha256 == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_are_read_by_their_byte_order_mark(codec: str, tmp_path: Path) -> None:
    text = "广州市黄埔区\n第一条 为了促进集成电路产业发展。\n"
    family = codec[:6]
    mark = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
            "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec]
    raw = mark + text.encode(codec)
    source = read_source(write(tmp_path / "marked.txt", raw))
    assert (source.encoding, source.text) == (family, text)
    with pytest.raises(UnreadableSource, match="binary file, not text"):  # without the mark: not guessed
        read_source(write(tmp_path / "unmarked.txt", text.encode(codec)))


def test_gb18030_line_endings_are_normalised(tmp_path: Path) -> None:
    source = read_source(write(tmp_path / "crlf.txt", "广州市\r\n黄埔区\r\n".encode("gb18030")))
    assert (source.encoding, source.text) == ("gb18030", "广州市\n黄埔区\n")


@pytest.mark.parametrize(
    "raw",
    [b"", b" \r\n\t \n", "\u3000\u3000\n\u00a0".encode("utf-8"), "\u3000\r\n".encode("gb18030")],
    ids=["zero-bytes", "ascii-space", "ideographic-space-utf8", "ideographic-space-gb18030"],
)
def test_empty_files(raw: bytes, tmp_path: Path) -> None:
    path = write(tmp_path / "empty.txt", raw)
    with pytest.raises(UnreadableSource) as caught:
        read_source(path)
    assert caught.value.path == path
    assert caught.value.reason == "empty file"
    assert str(caught.value) == f"{path}: empty file"


def test_binary_file_with_nul_bytes(tmp_path: Path) -> None:
    rng = random.Random(7)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(200))
    path = write(tmp_path / "image.txt", png)
    with pytest.raises(UnreadableSource) as caught:
        read_source(path)
    assert caught.value.reason == "binary file, not text"


def test_binary_file_of_control_characters(tmp_path: Path) -> None:
    path = write(tmp_path / "controls.txt", b"abc\x01\x02\x03\x1b\x7fdefghijklmnop\x04\x05")
    with pytest.raises(UnreadableSource, match="binary file, not text"):
        read_source(path)


def test_form_feeds_are_text(tmp_path: Path) -> None:
    # pdftotext separates pages with \f; that must not look binary.
    source = read_source(write(tmp_path / "pages.txt", "第一页\n\f第二页\n".encode("utf-8")))
    assert source.text == "第一页\n\f第二页\n"


def test_undecodable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.txt", "广州".encode("utf-8") + b"\xff\xff")
    with pytest.raises(UnreadableSource) as caught:
        read_source(path)
    assert caught.value.reason == "cannot decode as UTF-8, GB18030 or Big5"


def test_bom_with_invalid_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "bad-bom.txt", b"\xef\xbb\xbf" + "广州".encode("gb18030"))
    with pytest.raises(UnreadableSource) as caught:
        read_source(path)
    assert caught.value.reason == "starts with a UTF-8 byte order mark but is not UTF-8 (byte 0)"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(UnreadableSource) as caught:
        read_source(path)
    assert caught.value.reason == "No such file or directory"


def test_error_is_a_corpus_error_and_pickles() -> None:
    error = UnreadableSource(Path("a.txt"), "empty file")
    assert isinstance(error, CorpusError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, str(copy)) == (Path("a.txt"), "empty file", "a.txt: empty file")


def test_list_sources_expands_folders(tmp_path: Path) -> None:
    for name in ["a.txt", "b.md", "c.pdf", ".hidden.txt", "sub/d.txt", "sub/E.TXT", ".git/f.txt"]:
        write(tmp_path / name, b"x")
    assert list_sources([tmp_path]) == [
        tmp_path / "a.txt",
        tmp_path / "b.md",
        tmp_path / "sub" / "E.TXT",
        tmp_path / "sub" / "d.txt",
    ]


def test_list_sources_keeps_direct_files_and_deduplicates(tmp_path: Path) -> None:
    for name in ["a.txt", "c.pdf", ".hidden.txt", "sub/d.txt"]:
        write(tmp_path / name, b"x")
    given = [
        tmp_path / "sub",
        tmp_path / "c.pdf",
        tmp_path / "sub" / ".." / "sub" / "d.txt",
        tmp_path / ".hidden.txt",
    ]
    assert list_sources(given) == [tmp_path / ".hidden.txt", tmp_path / "c.pdf", tmp_path / "sub" / "d.txt"]


def test_list_sources_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(UnreadableSource) as caught:
        list_sources([tmp_path, missing])
    assert (caught.value.path, caught.value.reason) == (missing, "no such file or folder")


def test_split_lines_literal() -> None:
    text = "  第一条  \n\n\u3000\u3000（一）内容\u00a0\n\f第二页\n\t\n末行"
    assert split_lines(text) == [
        Line(number=1, start=2, end=5, text="第一条", indented=True),
        Line(number=2, start=8, end=8, text="", indented=False),
        Line(number=3, start=11, end=16, text="（一）内容", indented=True),
        Line(number=4, start=19, end=22, text="第二页", indented=False),
        Line(number=5, start=24, end=24, text="", indented=False),
        Line(number=6, start=25, end=27, text="末行", indented=False),
    ]


def test_split_lines_final_newline_ends_last_line() -> None:
    assert split_lines("") == []
    assert split_lines("一\n") == [Line(number=1, start=0, end=1, text="一")]
    assert [line.text for line in split_lines("一\n\n")] == ["一", ""]


def test_split_lines_round_trip_on_real_file() -> None:
    text = read_source(SEEDS["002"]).text
    lines = split_lines(text)
    assert len(lines) == text.count("\n") == 3174
    assert lines[0] == Line(1, start=1, end=22, text="（十）实行从 1.5％下调至 0.8％的失", indented=True)
    assert lines[2] == Line(3, start=24, end=43, text="业保险单位费率。（责任单位：市人力资源", indented=False)
    for line in lines:
        assert text[line.start : line.end] == line.text
        assert line.text == line.text.strip()
    # Re-joining the lines with the white space between them gives the file back.
    ends = [0] + [line.end for line in lines]
    rebuilt = "".join(text[end : line.start] + line.text for end, line in zip(ends, lines))
    assert rebuilt + text[lines[-1].end :] == text


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        # Taiwan phrases still read as the mainland's words ...
        ("經濟部工業局與資訊工業策進會合作推動積體電路與軟體產業", "经济部工业局与信息工业策进会合作推动集成电路与软件产业"),
        # ... but 執行, 檔案 and 物件 keep their everyday sense: tw2sp alone gives 运行, 文件, 对象
        ("本辦法由各直轄市政府負責執行，逾期未繳納者依法移送強制執行。", "本办法由各直辖市政府负责执行，逾期未缴纳者依法移送强制执行。"),
        ("機關應將申請檔案妥為保存，並依檔案法辦理。", "机关应将申请档案妥为保存，并依档案法办理。"),
        ("前項物件之清冊，應送主管機關備查。", "前项物件之清册，应送主管机关备查。"),
    ],
)
def test_traditional_policy_text_reads_as_simplified_in_its_own_sense(traditional: str, simplified: str) -> None:
    assert normalize(traditional) == simplified
