//! Files that are not text: refused as such, never read as a header that lacks columns.

use crate::check::check;
use expect_test::expect;

#[test]
fn a_png_image() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend([0u8; 64]);
    check(
        &png,
        expect![[r#"
        file refused: 这不是文本 CSV 文件（看起来是：PNG 图片）。请选择工单导出的 CSV 文件；Excel 工作簿请先另存为“CSV UTF-8”或 CSV
    "#]],
    );
}

#[test]
fn an_excel_workbook() {
    let mut xlsx = b"PK\x03\x04\x14\0\x06\0\x08\0".to_vec();
    xlsx.extend(b"[Content_Types].xml");
    check(
        &xlsx,
        expect![[r#"
        file refused: 这不是文本 CSV 文件（看起来是：Excel 工作簿（.xlsx）或 ZIP 压缩包）。请选择工单导出的 CSV 文件；Excel 工作簿请先另存为“CSV UTF-8”或 CSV
    "#]],
    );
}

#[test]
fn nothing_but_nul_bytes() {
    // /dev/zero once read forever.
    check(
        &[0u8; 300_000],
        expect![[r#"
        file refused: 这不是文本 CSV 文件（看起来是：二进制文件（全是 NUL 字节））。请选择工单导出的 CSV 文件；Excel 工作簿请先另存为“CSV UTF-8”或 CSV
    "#]],
    );
}

#[test]
fn utf16_without_a_bom() {
    let text: Vec<u8> = "工单编号,受理时间\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    check(
        &text,
        expect![[r#"
        file refused: 这不是文本 CSV 文件（看起来是：二进制文件，或无 BOM 的 UTF-16 文本（表头行含 NUL 字节；UTF-16 请另存为 UTF-8 或 GBK 的 CSV））。请选择工单导出的 CSV 文件；Excel 工作簿请先另存为“CSV UTF-8”或 CSV
    "#]],
    );
}
