//! Every table of a report in one ZIP file, each named in Chinese: what the page's
//! "导出全部表格" downloads (one file, not eleven downloads the browser may block).
//!
//! The archive is *stored* (no compression): the tables are a few hundred kilobytes, and a
//! deflate encoder would add to the page's bundle for nothing a user would notice. Names are
//! UTF-8 with the ZIP's UTF-8 flag (bit 11), which Windows Explorer, macOS and `unzip` honour.
//!
//! ```
//! use hotline_engine::report::zip::zip_files;
//! let zip = zip_files(&[("概况.csv".to_string(), b"a,b\r\n".to_vec())]);
//! assert_eq!(&zip[..4], b"PK\x03\x04");
//! assert_eq!(&zip[zip.len() - 22..zip.len() - 18], b"PK\x05\x06");
//! ```

use super::export::csv_tables;
use super::Report;

/// The Chinese file name of each of [`csv_tables`]'s files (those names stay the CLI's).
pub fn zh_name(file: &str) -> &'static str {
    match file {
        "summary.csv" => "概况摘要.csv",
        "rejects.csv" => "拒收行.csv",
        "city.csv" => "全市指标.csv",
        "changes.csv" => "环比.csv",
        "channels.csv" => "来源渠道.csv",
        "kinds.csv" => "诉求类型.csv",
        "hot_topics.csv" => "高发问题.csv",
        "units.csv" => "承办单位指标.csv",
        "members.csv" => "成员单位指标.csv",
        "groups.csv" => "分组指标.csv",
        "scores.csv" => "考评得分.csv",
        _ => "其他.csv",
    }
}

/// Every table of `report` ([`csv_tables`]) in one ZIP, under its Chinese name.
pub fn tables_zip(report: &Report) -> Vec<u8> {
    let files: Vec<(String, Vec<u8>)> =
        csv_tables(report).into_iter().map(|(n, text)| (zh_name(n).to_string(), text.into_bytes())).collect();
    zip_files(&files)
}

/// The CRC-32 (IEEE, as ZIP uses) of `data`, a bit at a time: no 16 KiB lookup table in the
/// page's bundle for the few hundred kilobytes of a report's tables (about 10 ms a megabyte).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// A stored ZIP of `files` (name, bytes), in order. Dated 1980-01-01 00:00, the format's
/// earliest date, so the same tables give the same bytes.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    const UTF8_NAMES: u16 = 1 << 11;
    const DOS_DATE_1980_01_01: u16 = (1 << 5) | 1;
    const MADE_BY_UNIX: u16 = (3 << 8) | 20;
    // A regular file, rw-r--r-- (a Unix host's external attributes; 0 would extract unreadable).
    const FILE_0644: u32 = 0o100_644;
    let mut out = Vec::new();
    let mut central = Vec::new();
    let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    // Sizes and offsets are 32-bit (no ZIP64): tables of one report are far below 4 GiB.
    let size32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    for (name, data) in files {
        let crc = crc32(data);
        let offset = size32(out.len());
        let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        let name = name.as_bytes().get(..usize::from(name_len)).unwrap_or_default();
        // Local file header.
        u32le(&mut out, 0x0403_4b50);
        for x in [20, UTF8_NAMES, 0, 0, DOS_DATE_1980_01_01] {
            u16le(&mut out, x);
        }
        for x in [crc, size32(data.len()), size32(data.len())] {
            u32le(&mut out, x);
        }
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        // Its central directory entry.
        u32le(&mut central, 0x0201_4b50);
        // Made by "Unix" (host 3): Info-ZIP's unzip then reads the names as the UTF-8 flag
        // says, where a DOS host would make it convert them from a DOS code page.
        for x in [MADE_BY_UNIX, 20, UTF8_NAMES, 0, 0, DOS_DATE_1980_01_01] {
            u16le(&mut central, x);
        }
        for x in [crc, size32(data.len()), size32(data.len())] {
            u32le(&mut central, x);
        }
        for x in [name_len, 0, 0, 0, 0] {
            u16le(&mut central, x);
        }
        u32le(&mut central, FILE_0644 << 16);
        u32le(&mut central, offset);
        central.extend_from_slice(name);
    }
    let (cd_offset, cd_size) = (size32(out.len()), size32(central.len()));
    out.extend_from_slice(&central);
    let count = u16::try_from(files.len()).unwrap_or(u16::MAX);
    u32le(&mut out, 0x0605_4b50);
    for x in [0, 0, count, count] {
        u16le(&mut out, x);
    }
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a stored ZIP back by its central directory (as unzip does): names and contents.
    fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let at = |i: usize, n: usize| &zip[i..i + n];
        let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
        let u32_at = |i: usize| u32::from_le_bytes(at(i, 4).try_into().unwrap()) as usize;
        let end = zip.len() - 22;
        assert_eq!(u32_at(end), 0x0605_4b50);
        let (count, mut p) = (u16_at(end + 10), u32_at(end + 16));
        let mut files = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(p), 0x0201_4b50);
            assert_eq!(u16_at(p + 8) & (1 << 11), 1 << 11, "UTF-8 names");
            let (crc, size, name_len, local) =
                (u32_at(p + 16), u32_at(p + 24), u16_at(p + 28), u32_at(p + 42));
            let name = String::from_utf8(at(p + 46, name_len).to_vec()).unwrap();
            assert_eq!(u32_at(local), 0x0403_4b50);
            let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            let data = at(data_at, size).to_vec();
            assert_eq!(crc32(&data) as usize, crc);
            files.push((name, data));
            p += 46 + name_len;
        }
        files
    }

    #[test]
    fn the_crc_is_the_standard_one() {
        // The check value of CRC-32/ISO-HDLC (the ZIP and PNG CRC).
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn a_zip_reads_back_with_its_names_and_bytes() {
        let files =
            vec![("概况.csv".to_string(), b"a,b\r\n1,2\r\n".to_vec()), ("空.csv".to_string(), Vec::new())];
        assert_eq!(unzip(&zip_files(&files)), files);
        assert_eq!(unzip(&zip_files(&[])), vec![]);
    }

    #[test]
    fn the_tables_zip_holds_every_table_under_its_chinese_name() {
        let csv = "工单编号,受理时间,来源渠道,诉求类型,办理方式,承办单位,派单时间,办理时限,办结时间\n\
                   A1,2021-03-01 08:00,微信,咨询,直接答复,,,,\n\
                   A2,2021-03-01 09:00,微信,投诉,转办,海州区,2021-03-01 10:00,2021-03-08,2021-03-05\n";
        let done = crate::ingest_bytes(csv.as_bytes(), Default::default()).unwrap();
        let report = Report::build(&done, &Default::default());
        let tables = csv_tables(&report);
        let files = unzip(&tables_zip(&report));
        assert_eq!(files.len(), tables.len());
        for ((name, text), (zh, bytes)) in tables.iter().zip(&files) {
            assert_eq!(zh, zh_name(name));
            assert_ne!(zh, "其他.csv", "{name} has a Chinese name");
            assert_eq!(bytes, text.as_bytes());
        }
    }
}
