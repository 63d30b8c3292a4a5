from factories.pdf import pdf_pages

from talentpool.engines.pdf import Gap, Grid, Heading, Text, render_pdf


def test_chinese_text_is_printed_as_given_and_markup_is_not_interpreted():
    pdf = render_pdf("结业证书", [Heading("结业证书", 0), Text("<b>张三</b> 参加了 西湖英才学堂 & 企业参访"), Gap()],
                     footer="西湖区人才办")
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(pdf_pages(pdf))
    assert "结业证书" in text
    assert "<b>张三</b> 参加了 西湖英才学堂 & 企业参访" in text
    assert "西湖区人才办  1" in text


def test_a_long_table_runs_over_pages_with_its_header_repeated():
    rows = [[f"人员{i:03d}", f"{i * 1000:,}.00"] for i in range(120)]
    pages = pdf_pages(render_pdf("发放明细", [Grid(["姓名", "金额（元）"], rows, right=frozenset({1}))]))
    assert len(pages) >= 3
    assert all("姓名" in page for page in pages)
    assert "人员119" in pages[-1] and "人员000" in pages[0]


def test_the_same_document_gives_the_same_bytes():
    blocks = [Heading("月报", 0), Grid(["指标", "数值"], [["人才总量", "400,000"]])]
    assert render_pdf("月报", blocks) == render_pdf("月报", blocks)
    assert render_pdf("月报", blocks) != render_pdf("月报", blocks, wide=True)
