//! Synthetic but realistic ticket logs in the canonical CSV layout (`shared/ticket-format.md`).
//!
//! [`generate`] writes one month of a Lianyungang-style 12345 platform export: the header row with the
//! 23 canonical Chinese column names, then the previous month's tickets that were still open when the
//! month began (上月结转, about 5 % of the month's volume), then the month's own tickets, all sorted by
//! 受理时间. The mixes follow the published reports in `shared/seeds` (LYG 2017-04, 2017 annual, 2021-02):
//! about 60 % 直接答复 and 40 % 转办, 12345热线电话 ≈ 60 % and 监督员上报 ≈ 25 % of sources, 80 units with
//! the 2021-02 ticket volumes as a heavy-tailed size distribution (海州区 and its street offices take about
//! 40 % of the dispatched tickets, a dozen departments get next to none), and unit quality tiers taken
//! from the 2021-02 scores so that rankings come out spread. The export is taken a few days after the
//! month ends, so tickets received near the end of the month are more often still open.
//!
//! The output is a pure function of [`GenConfig`]: the randomness comes from a xoshiro256** generator
//! seeded through splitmix64 with `seed`, and only integer arithmetic is used (no floating point, no
//! clock, no hash maps), so the same config gives byte-identical output on every platform, wasm included.
//! Months are clamped to 2000-01 ..= 2135-10 so that every datetime written fits a [`Stamp`]; for
//! 2000-01 there is no carry-over (its previous month is out of range).

use hotline_engine::{Month, Stamp};

#[derive(Clone, Debug)]
pub struct GenConfig {
    /// The month whose tickets are generated; the previous month's still-open tickets (carry-over) are
    /// included too.
    pub month: Month,
    /// Tickets received in `month` (the carry-over comes on top, about 5 % of this).
    pub tickets: usize,
    pub seed: u64,
}

impl GenConfig {
    pub fn new(month: Month, tickets: usize, seed: u64) -> GenConfig {
        GenConfig { month, tickets, seed }
    }
}

/// Writes the canonical CSV (UTF-8, no BOM, header row with the canonical Chinese headers in the order of
/// ticket-format.md, "\n" line ends) to `out`, appending to what it holds.
pub fn generate(cfg: &GenConfig, out: &mut Vec<u8>) {
    let gen = Gen::new(cfg);
    out.reserve(cfg.tickets.saturating_mul(200).min(1 << 30) + 512);
    for (i, h) in HEADERS.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(h.as_bytes());
    }
    out.push(b'\n');
    let (carry, month) = gen.receipts(cfg.seed);
    let mut rng = Rng::new(cfg.seed ^ STREAM_ROWS);
    let mut row = Row::default();
    let carry_month = gen.month.prev();
    let mut last_seq = 0u32;
    for &key in &carry {
        let (received, channel) = ((key >> 8) as u32, (key & 0xFF) as usize);
        // Carry-over tickets keep the numbers they got last month: spread them by receipt time.
        let frac = u64::from(received - gen.prev_start) * gen.prev_count / u64::from(gen.prev_len.max(1));
        let seq = (frac as u32 + 1).max(last_seq + 1);
        last_seq = seq;
        gen.ticket(&mut rng, &mut row, received, channel, true);
        gen.write_row(out, &row, carry_month, seq);
    }
    for (i, &key) in month.iter().enumerate() {
        let (received, channel) = ((key >> 8) as u32, (key & 0xFF) as usize);
        gen.ticket(&mut rng, &mut row, received, channel, false);
        gen.write_row(out, &row, gen.month, i as u32 + 1);
    }
}

/// Convenience: into a new String.
pub fn generate_string(cfg: &GenConfig) -> String {
    let mut out = Vec::new();
    generate(cfg, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

const HEADERS: [&str; 23] = [
    "工单编号",
    "受理时间",
    "来源渠道",
    "诉求类型",
    "问题分类",
    "办理方式",
    "承办单位",
    "上级单位",
    "省派",
    "急件",
    "派单时间",
    "签收时限",
    "签收时间",
    "首次联系时限",
    "首次联系时间",
    "办理时限",
    "办结时间",
    "退回次数",
    "回访结果",
    "回访时间",
    "反馈时限",
    "反馈时间",
    "答复抽检",
];

const ID_PREFIX: &str = "LYG";
const NONE: u32 = Stamp::NONE.0;
const MINUTE: u32 = 60;
const HOUR: u32 = 3600;
const DAY: u32 = 86_400;
/// The export is taken this long after the month ends; nothing later than that is in the file.
const EXPORT_LAG: u32 = 3 * DAY;
const PPM: u32 = 1_000_000;
/// Independent random streams: receipt times and channels, then everything else row by row.
const STREAM_RECEIPTS: u64 = 0x5EED_0000_0000_0001;
const STREAM_ROWS: u64 = 0x5EED_0000_0000_0002;

// ---------------------------------------------------------------------------------------------------
// Randomness: xoshiro256** seeded by splitmix64, integers only.

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stateless hash for per-unit and per-month choices.
fn mix(a: u64, b: u64) -> u64 {
    let mut s = a ^ b.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    splitmix64(&mut s)
}

struct Rng([u64; 4]);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut sm = seed;
        Rng([splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `0..n`, skewed towards 0 (the smaller of two draws).
    fn early(&mut self, n: u32) -> u32 {
        self.below(n).min(self.below(n))
    }

    fn chance(&mut self, ppm: u32) -> bool {
        self.below(PPM) < ppm
    }

    /// A night-time event (21:00–08:00) moved into the next working day, most of the time. Never earlier.
    fn daytime(&mut self, t: u32) -> u32 {
        let hour = t % DAY / HOUR;
        if (8..21).contains(&hour) || self.chance(NIGHT_WORK) {
            return t;
        }
        let day = t / DAY + u32::from(hour >= 21);
        day * DAY + (8 + self.pick_cum(&WORK_HOURS) as u32) * HOUR + self.below(HOUR)
    }

    /// `t` moved into working hours unless that would miss `deadline`.
    fn in_time(&mut self, t: u32, deadline: u32) -> u32 {
        let moved = self.daytime(t);
        if moved <= deadline {
            moved
        } else {
            t
        }
    }

    fn pick<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|i| i.1).sum();
        let mut r = self.below(total);
        for &(v, w) in items {
            if r < w {
                return v;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }

    /// An index into a cumulative weight table (last entry = total > 0).
    fn pick_cum(&mut self, cum: &[u32]) -> usize {
        let r = self.below(cum[cum.len() - 1]);
        cum.partition_point(|&c| c <= r)
    }
}

// ---------------------------------------------------------------------------------------------------
// Sources and request kinds.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Citizens by phone or online, any hour.
    Citizen,
    /// Grid supervisors and cameras: city-management problems in working hours, nearly all dispatched.
    Patrol,
    /// Dispatched down from the provincial platform (省派).
    Province,
    /// Leaders and other departments: office hours, always dispatched.
    Office,
}

struct Channel {
    name: &'static str,
    /// Per 10 000 tickets.
    weight: u32,
    route: Route,
}

const fn ch(name: &'static str, weight: u32, route: Route) -> Channel {
    Channel { name, weight, route }
}

/// 2021-02: 电话 61.1 %, 监督员 33.2 %, 微信 4 %, 省平台 1.2 %, APP 0.27 %, 门户 0.15 %, 视频 0.08 %, 邮件 0.02 %;
/// 2017: 微博, 领导交办, 部门转办, 群众来访 a handful each. Shifted towards the brief's mix.
const CHANNELS: [Channel; 12] = [
    ch("12345热线电话", 6060, Route::Citizen),
    ch("监督员上报", 2450, Route::Patrol),
    ch("微信", 500, Route::Citizen),
    ch("省12345平台", 300, Route::Province),
    ch("市民APP", 200, Route::Citizen),
    ch("门户网站", 180, Route::Citizen),
    ch("视频监控", 100, Route::Patrol),
    ch("微博", 60, Route::Citizen),
    ch("邮件", 40, Route::Citizen),
    ch("领导交办", 60, Route::Office),
    ch("部门转办", 30, Route::Office),
    ch("群众来访", 20, Route::Citizen),
];

const KINDS: [&str; 6] = ["咨询", "求助", "投诉", "建议", "表扬", "举报"];
const CONSULT: usize = 0;

/// Kind mix per route, cumulative per mille, in the order of `KINDS`.
fn kind_cum(route: Route) -> [u32; 6] {
    let w = match route {
        Route::Citizen => [560, 230, 150, 35, 10, 15],
        Route::Patrol => [0, 650, 200, 0, 0, 150],
        Route::Province => [200, 250, 450, 40, 0, 60],
        Route::Office => [0, 500, 300, 200, 0, 0],
    };
    let mut cum = [0; 6];
    let mut total = 0;
    for (c, w) in cum.iter_mut().zip(w) {
        total += w;
        *c = total;
    }
    cum
}

/// Probability (ppm) that the hotline answers the request itself (直接答复), per route and kind.
fn direct_ppm(route: Route, kind: usize) -> u32 {
    match route {
        Route::Citizen => [970_000, 750_000, 400_000, 700_000, 900_000, 200_000][kind],
        Route::Patrol => 150_000,
        Route::Province => 30_000,
        Route::Office => 0,
    }
}

// ---------------------------------------------------------------------------------------------------
// Subjects (问题分类).

type Subjects = &'static [(&'static str, u32)];

/// 2017 annual: the supervisors' top problems.
const PATROL_SUBJECTS: Subjects = &[
    ("暴露垃圾", 148),
    ("乱堆物堆料", 130),
    ("非法小广告", 112),
    ("沿街晾挂", 82),
    ("无照经营游商", 70),
    ("道路不洁", 61),
    ("机动车乱停放", 60),
    ("占道经营", 50),
    ("施工废弃料", 45),
    ("垃圾满溢", 44),
    ("私搭乱建", 40),
    ("道路破损", 30),
    ("市政设施", 20),
];
/// What the hotline answers itself from its knowledge base.
const DIRECT_SUBJECTS: Subjects = &[
    ("政策咨询", 15),
    ("便民服务", 15),
    ("劳动保障", 10),
    ("社会保障", 8),
    ("医保", 8),
    ("公积金", 7),
    ("户籍证件", 6),
    ("交通出行", 6),
    ("教育", 6),
    ("医疗卫生", 5),
    ("物业管理", 4),
    ("房产住建", 4),
    ("供水", 3),
    ("供电", 3),
    ("税务", 3),
    ("燃气", 2),
    ("通信网络", 2),
    ("文化旅游", 2),
];
const AREA: Subjects = &[
    ("私搭乱建", 18),
    ("噪音扰民", 10),
    ("物业管理", 10),
    ("道路破损", 8),
    ("占道经营", 8),
    ("暴露垃圾", 8),
    ("环境污染", 6),
    ("农村事务", 6),
    ("拆迁安置", 5),
    ("房产住建", 5),
    ("劳动保障", 4),
    ("便民服务", 4),
    ("交通出行", 3),
    ("教育", 3),
    ("医疗卫生", 2),
];
const WATER: Subjects = &[("供水", 1)];
const POWER: Subjects = &[("供电", 1)];
const GAS: Subjects = &[("燃气", 1)];
const POLICE: Subjects = &[("公安治安", 40), ("交通出行", 25), ("噪音扰民", 20), ("户籍证件", 15)];
const HOUSING: Subjects = &[("物业管理", 55), ("房产住建", 35), ("道路破损", 10)];
const LABOUR: Subjects = &[("劳动保障", 70), ("社会保障", 30)];
const HEALTH: Subjects = &[("医疗卫生", 1)];
const EDUCATION: Subjects = &[("教育", 1)];
const TRANSPORT: Subjects = &[("交通出行", 1)];
const URBAN: Subjects =
    &[("私搭乱建", 30), ("占道经营", 25), ("暴露垃圾", 20), ("道路破损", 15), ("市政设施", 10)];
const MARKET: Subjects = &[("消费维权", 80), ("医疗卫生", 10), ("便民服务", 10)];
const FINANCE: Subjects = &[("金融服务", 70), ("消费维权", 30)];
const TELECOM: Subjects = &[("通信网络", 1)];
const ENVIRONMENT: Subjects = &[("环境污染", 70), ("噪音扰民", 30)];
const MEDICAL_INSURANCE: Subjects = &[("医保", 1)];
const HOUSING_FUND: Subjects = &[("公积金", 1)];
const TAX: Subjects = &[("税务", 1)];
const WELFARE: Subjects = &[("社会保障", 60), ("便民服务", 40)];
const CULTURE: Subjects = &[("文化旅游", 1)];
const LAND: Subjects = &[("国土规划", 50), ("农村事务", 50)];
const GENERAL: Subjects = &[("政策咨询", 50), ("便民服务", 50)];

// ---------------------------------------------------------------------------------------------------
// Member units.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    County,
    District,
    /// A street office (三级平台) below a district; its tickets roll up into `parent`.
    Street,
    City,
}

struct Unit {
    name: &'static str,
    parent: &'static str,
    level: Level,
    /// Tenths of a ticket in a 27 000-dispatch month (LYG 2021-02 总工单数; 0.5 for units that had none).
    weight: u32,
    /// 0 good, 1 average, 2 weak, 3 bad (from the 2021-02 scores).
    tier: u8,
    subjects: Subjects,
}

const fn u(name: &'static str, level: Level, weight: u32, tier: u8, subjects: Subjects) -> Unit {
    Unit { name, parent: "", level, weight: weight * 10, tier, subjects }
}

const fn street(name: &'static str, parent: &'static str, weight: u32, tier: u8) -> Unit {
    Unit { name, parent, level: Level::Street, weight: weight * 10, tier, subjects: AREA }
}

/// Units that had no ticket in 2021-02 (weight 0.5 ticket).
const fn quiet(name: &'static str, subjects: Subjects) -> Unit {
    Unit { name, parent: "", level: Level::City, weight: 5, tier: 1, subjects }
}

use Level::{City, County, District};

const UNITS: [Unit; 80] = [
    u("东海县", County, 1602, 0, AREA),
    u("灌云县", County, 1049, 0, AREA),
    u("灌南县", County, 1104, 1, AREA),
    u("赣榆区", County, 1358, 1, AREA),
    u("海州区", District, 5200, 2, AREA),
    street("路南街道办", "海州区", 1300, 1),
    street("新海街道办", "海州区", 1200, 2),
    street("浦西街道办", "海州区", 900, 1),
    street("新东街道办", "海州区", 700, 3),
    street("幸福路街道办", "海州区", 542, 0),
    u("连云区", District, 1900, 1, AREA),
    street("墟沟街道办", "连云区", 741, 1),
    u("市开发区", District, 1284, 2, AREA),
    u("徐圩新区", District, 455, 0, AREA),
    u("云台山景区", District, 168, 3, AREA),
    u("城建控股集团", City, 312, 0, URBAN),
    u("市人社局", City, 275, 0, LABOUR),
    u("交通控股集团", City, 237, 0, TRANSPORT),
    u("市卫健委", City, 209, 0, HEALTH),
    u("连云港移动", City, 150, 0, TELECOM),
    u("市资源规划局", City, 138, 0, LAND),
    u("市税务局", City, 136, 0, TAX),
    u("市城管局", City, 70, 0, URBAN),
    u("市公积金中心", City, 59, 0, HOUSING_FUND),
    u("消防支队", City, 45, 0, GENERAL),
    u("市烟草局", City, 37, 0, MARKET),
    u("连云港联通", City, 27, 0, TELECOM),
    u("市机关管理局", City, 22, 0, GENERAL),
    u("市政务办", City, 22, 0, GENERAL),
    u("农发集团", City, 20, 0, LAND),
    u("市水利局", City, 19, 0, LAND),
    u("市发改委", City, 18, 0, GENERAL),
    u("连云港铁塔", City, 8, 0, TELECOM),
    u("市总工会", City, 6, 0, WELFARE),
    u("市司法局", City, 4, 0, GENERAL),
    u("市退役军人局", City, 4, 0, WELFARE),
    u("市体育局", City, 4, 0, CULTURE),
    u("市碱业公司", City, 4, 0, GENERAL),
    u("市生态环境局", City, 3, 0, ENVIRONMENT),
    u("市妇联", City, 3, 0, WELFARE),
    u("市财政局", City, 2, 0, GENERAL),
    u("市应急管理局", City, 2, 0, GENERAL),
    u("市工信局", City, 1, 0, GENERAL),
    u("市农业农村局", City, 1, 0, LAND),
    u("市教育局", City, 111, 1, EDUCATION),
    u("国网连云港供电公司", City, 373, 1, POWER),
    u("连云港电信", City, 163, 1, TELECOM),
    u("新奥燃气", City, 110, 1, GAS),
    u("市医保局", City, 98, 1, MEDICAL_INSURANCE),
    u("市邮政公司", City, 18, 1, GENERAL),
    u("人行连云港中心支行", City, 14, 1, FINANCE),
    u("连云港银保监分局", City, 131, 1, FINANCE),
    u("港口控股集团", City, 61, 1, TRANSPORT),
    u("保协", City, 57, 2, FINANCE),
    u("市民政局", City, 10, 2, WELFARE),
    u("市交通局", City, 289, 2, TRANSPORT),
    u("江苏有线连云港分公司", City, 19, 2, TELECOM),
    u("报业传媒集团", City, 9, 2, CULTURE),
    u("市公安局", City, 2051, 2, POLICE),
    u("市文广旅局", City, 40, 2, CULTURE),
    u("中石化连云港石油分公司", City, 4, 2, MARKET),
    u("金融控股集团", City, 2, 2, FINANCE),
    u("工投集团", City, 11, 2, GENERAL),
    u("市市场监管局", City, 15, 2, MARKET),
    u("市自来水公司", City, 439, 3, WATER),
    u("万联能源集团", City, 22, 3, GAS),
    u("市住建局", City, 1358, 3, HOUSING),
    u("市残联", City, 3, 3, WELFARE),
    quiet("市档案馆", GENERAL),
    quiet("市信访局", GENERAL),
    quiet("市科技局", GENERAL),
    quiet("市商务局", MARKET),
    quiet("市审计局", GENERAL),
    quiet("市统计局", GENERAL),
    quiet("市民宗局", GENERAL),
    quiet("市国资委", GENERAL),
    quiet("市地方金融监管局", FINANCE),
    quiet("团市委", GENERAL),
    quiet("市气象局", GENERAL),
    quiet("市外办", GENERAL),
];

/// Bad-event multiplier of each quality tier, in percent.
const TIER_PCT: [u64; 4] = [35, 100, 220, 380];

/// Units at or below this weight (6 tickets a 2021-size month) sit out some months entirely.
const SMALL_UNIT: u32 = 60;

// ---------------------------------------------------------------------------------------------------
// Rates of the dispatched tickets' events (ppm, for an average unit; unit quality scales the bad ones).

const NO_SIGN_DUE: u32 = 30_000;
const SIGN_LATE: u32 = 24_000;
const SIGN_NEVER: u32 = 6_000;
const CONTACT_LATE: u32 = 20_000;
const CONTACT_MISSING: u32 = 10_000;
const URGENT: u32 = 30_000;
const EXACT_DUE: u32 = 100_000;
const CLOSE_LATE: u32 = 85_000;
const LEFT_OPEN: u32 = 3_000;
const RETURNED: u32 = 57_000;
const RETURNED_TWICE: u32 = 200_000;
const CALLBACK: u32 = 600_000;
const CB_UNSATISFIED: u32 = 50_000;
const CB_BASIC: u32 = 60_000;
const CB_UNREACHED: u32 = 10_000;
const DIRECT_CALLBACK: u32 = 150_000;
const AUDIT: u32 = 50_000;
const AUDIT_BAD: u32 = 100_000;
/// Share of night-time work (closing, contacting, signing late) that really happens at night.
const NIGHT_WORK: u32 = 100_000;
const QUIRKY_CATEGORY: u32 = 10_000;
const NEWLINE_CATEGORY: u32 = 1_000;

/// 回访结果 by code: 0 no callback.
const CALLBACK_RESULTS: [&str; 5] = ["", "满意", "基本满意", "不满意", "未回访"];
const SATISFIED: u8 = 1;
const BASICALLY: u8 = 2;
const UNSATISFIED: u8 = 3;
const UNREACHED: u8 = 4;
/// 答复抽检 by code: 0 not sampled.
const AUDIT_RESULTS: [&str; 3] = ["", "规范", "不规范"];

// ---------------------------------------------------------------------------------------------------
// Receipt times.

/// Share of each hour of the day, for citizens (the phone line runs 24 h) and for office routes.
const CITIZEN_HOURS: [u32; 24] =
    [5, 3, 2, 1, 1, 2, 5, 12, 40, 60, 62, 55, 35, 38, 55, 58, 55, 45, 32, 28, 25, 20, 13, 8];
const OFFICE_HOURS: [u32; 24] =
    [0, 0, 0, 0, 0, 0, 0, 10, 55, 70, 70, 50, 15, 30, 70, 70, 60, 30, 5, 0, 0, 0, 0, 0];

/// When units work, from 08:00 to 20:59 (cumulative).
const WORK_HOURS: [u32; 13] = [6, 16, 26, 35, 40, 46, 55, 65, 75, 84, 90, 95, 100];

fn cumulative(weights: impl IntoIterator<Item = u32>) -> Vec<u32> {
    let mut total = 0;
    weights
        .into_iter()
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// Weekend days are quieter (Monday = 0; 2000-01-01 was a Saturday).
fn day_weight(day: u32, route: Route) -> u32 {
    let weekend = (day + 5) % 7 >= 5;
    match (weekend, route) {
        (false, _) => 100,
        (true, Route::Citizen) => 75,
        (true, Route::Patrol) => 45,
        (true, _) => 20,
    }
}

// ---------------------------------------------------------------------------------------------------
// The generator for one config.

struct Gen {
    month: Month,
    start: u32,
    /// First second of the next month.
    end: u32,
    prev_start: u32,
    prev_len: u32,
    /// Tickets the previous month is assumed to have had (for the carry-over's ticket numbers).
    prev_count: u64,
    /// Nothing after this is in the export.
    cutoff: u32,
    tickets: usize,
    carry: usize,
    id_width: usize,
    channel_cum: Vec<u32>,
    /// Cumulative kind weights per route (`Route as usize`).
    kind_cum: [[u32; 6]; 4],
    /// Cumulative unit weights per route (`Route as usize`).
    unit_cum: [Vec<u32>; 4],
    /// Bad-event multiplier per unit in percent (volume-weighted mean 100).
    quality: Vec<u64>,
    /// "YYYY-MM-DD " for `date_base ..` days.
    date_base: u32,
    dates: Vec<[u8; 11]>,
}

impl Gen {
    fn new(cfg: &GenConfig) -> Gen {
        let lo = Month::new(Stamp::MIN_YEAR, 1).index();
        let hi = Month::new(Stamp::MAX_YEAR, 10).index();
        let month = Month::from_index(cfg.month.index().clamp(lo, hi));
        let start = month.start().0;
        let end = month.next().start().0;
        let has_prev = month.index() > lo;
        let prev_start = if has_prev { month.prev().start().0 } else { start };
        let carry = if has_prev { (cfg.tickets as u64 * 5).div_ceil(100) as usize } else { 0 };
        let digits = (cfg.tickets + carry).max(1).to_string().len().max(6);

        let mut channel_cum = cumulative(CHANNELS.iter().map(|c| c.weight));
        channel_cum.shrink_to_fit();

        let month_salt = mix(cfg.seed, month.index() as u64);
        let active: Vec<bool> = (0..UNITS.len())
            .map(|i| UNITS[i].weight > SMALL_UNIT || mix(month_salt, i as u64) % 100 >= 35)
            .collect();
        let route_weight = |route: Route, i: usize| -> u32 {
            let unit = &UNITS[i];
            if !active[i] {
                return 0;
            }
            let w = unit.weight;
            match route {
                Route::Citizen | Route::Office => w,
                Route::Patrol => match (unit.level, unit.name) {
                    (Level::City, "市城管局") => w * 20,
                    (Level::City, "城建控股集团") => w * 3,
                    (Level::City, _) => 0,
                    _ => w,
                },
                Route::Province => match unit.level {
                    Level::County => w * 3,
                    Level::District => w / 2,
                    Level::Street => 0,
                    Level::City => w,
                },
            }
        };
        let routes = [Route::Citizen, Route::Patrol, Route::Province, Route::Office];
        let kind_cum = routes.map(kind_cum);
        let unit_cum = routes.map(|r| cumulative((0..UNITS.len()).map(|i| route_weight(r, i))));

        let raw: Vec<u64> = (0..UNITS.len())
            .map(|i| TIER_PCT[usize::from(UNITS[i].tier)] * (70 + mix(cfg.seed, 1000 + i as u64) % 71))
            .collect();
        let total_w: u64 = UNITS.iter().map(|u| u64::from(u.weight)).sum();
        let weighted: u64 = UNITS.iter().zip(&raw).map(|(u, r)| u64::from(u.weight) * r).sum();
        let quality = raw.iter().map(|r| r * 100 * total_w / weighted.max(1)).collect();

        let date_base = prev_start / DAY;
        let dates = (date_base..end / DAY + 60).map(date_bytes).collect();

        Gen {
            month,
            start,
            end,
            prev_start,
            prev_len: start - prev_start,
            prev_count: cfg.tickets as u64,
            cutoff: end + EXPORT_LAG,
            tickets: cfg.tickets,
            carry,
            id_width: digits,
            channel_cum,
            kind_cum,
            unit_cum,
            quality,
            date_base,
            dates,
        }
    }

    /// Scales a bad-event rate by the unit's quality.
    fn bad(&self, unit: usize, ppm: u32) -> u32 {
        (u64::from(ppm) * self.quality[unit] / 100).min(u64::from(PPM) * 6 / 10) as u32
    }

    /// Receipt keys `(seconds << 8) | channel`, sorted: the carry-over ones and the month's.
    fn receipts(&self, seed: u64) -> (Vec<u64>, Vec<u64>) {
        let mut rng = Rng::new(seed ^ STREAM_RECEIPTS);
        let hours = [cumulative(CITIZEN_HOURS), cumulative(OFFICE_HOURS)];
        let month_days: Vec<u32> = (self.start / DAY..self.end / DAY).collect();
        let day_cum: [Vec<u32>; 4] = [Route::Citizen, Route::Patrol, Route::Province, Route::Office]
            .map(|r| cumulative(month_days.iter().map(|&d| day_weight(d, r))));
        let time_of_day = |rng: &mut Rng, route: Route| -> u32 {
            let profile = if route == Route::Citizen { &hours[0] } else { &hours[1] };
            rng.pick_cum(profile) as u32 * HOUR + rng.below(HOUR)
        };

        let mut carry = Vec::with_capacity(self.carry);
        let prev_days = self.prev_len / DAY;
        for _ in 0..self.carry {
            // Channel of a dispatched ticket: draw until the draw is dispatched.
            let c = loop {
                let c = rng.pick_cum(&self.channel_cum);
                let route = CHANNELS[c].route;
                let kind = rng.pick_cum(&self.kind_cum[route as usize]);
                if !rng.chance(direct_ppm(route, kind)) {
                    break c;
                }
            };
            // Still open at the month start: mostly received in the last days of the previous month.
            let back = match rng.below(100) {
                0..=59 => rng.below(7),
                60..=84 => rng.between(7, 19),
                _ => rng.below(prev_days),
            }
            .min(prev_days - 1);
            let day = self.start / DAY - 1 - back;
            let t = day * DAY + time_of_day(&mut rng, CHANNELS[c].route);
            carry.push(u64::from(t) << 8 | c as u64);
        }
        carry.sort_unstable();

        let mut month = Vec::with_capacity(self.tickets);
        for _ in 0..self.tickets {
            let c = rng.pick_cum(&self.channel_cum);
            let route = CHANNELS[c].route;
            let day = month_days[rng.pick_cum(&day_cum[route as usize])];
            let t = day * DAY + time_of_day(&mut rng, route);
            month.push(u64::from(t) << 8 | c as u64);
        }
        month.sort_unstable();
        (carry, month)
    }

    /// Fills `row` with one ticket received at `received` through channel `c`.
    fn ticket(&self, rng: &mut Rng, row: &mut Row, received: u32, c: usize, carry: bool) {
        let route = CHANNELS[c].route;
        *row = Row { received, channel: c as u8, province: route == Route::Province, ..Row::default() };
        let kind = loop {
            let k = rng.pick_cum(&self.kind_cum[route as usize]);
            // Carry-over tickets are dispatched ones: draw the kind of a dispatched ticket.
            if !carry || !rng.chance(direct_ppm(route, k)) {
                break k;
            }
        };
        row.kind = kind as u8;
        row.direct = !carry && rng.chance(direct_ppm(route, kind));

        if row.direct {
            row.category =
                if route == Route::Patrol { rng.pick(PATROL_SUBJECTS) } else { rng.pick(DIRECT_SUBJECTS) };
            if rng.chance(DIRECT_CALLBACK) {
                let at = callback_time(rng, received);
                if at <= self.cutoff {
                    row.callback = match rng.below(100) {
                        0..=92 => SATISFIED,
                        93..=96 => BASICALLY,
                        97..=98 => UNSATISFIED,
                        _ => UNREACHED,
                    };
                    row.callback_at = at;
                }
            }
        } else {
            let unit = rng.pick_cum(&self.unit_cum[route as usize]);
            row.unit = unit as u16;
            row.category = if route == Route::Patrol {
                rng.pick(PATROL_SUBJECTS)
            } else {
                rng.pick(UNITS[unit].subjects)
            };
            self.dispatch(rng, row, unit, kind, carry);
        }

        row.quirk = if rng.chance(QUIRKY_CATEGORY) {
            if rng.below(10) < 6 {
                Quirk::Comma
            } else {
                Quirk::Quote
            }
        } else if rng.chance(NEWLINE_CATEGORY) {
            Quirk::Newline
        } else {
            Quirk::None
        };
    }

    /// The life of a dispatched (转办) ticket.
    fn dispatch(&self, rng: &mut Rng, row: &mut Row, unit: usize, kind: usize, carry: bool) {
        let received = row.received;
        row.urgent = rng.chance(URGENT);
        let hour = received % DAY / HOUR;
        let dispatched = if row.urgent {
            received + rng.between(3 * MINUTE, 20 * MINUTE)
        } else if !(8..20).contains(&hour) {
            // Taken at night, dispatched the next working morning.
            let morning = received / DAY * DAY + 8 * HOUR + if hour >= 20 { DAY } else { 0 };
            morning + rng.below(90 * MINUTE)
        } else {
            let delay = match rng.below(100) {
                0..=49 => rng.between(3 * MINUTE, 30 * MINUTE),
                50..=84 => rng.between(30 * MINUTE, 2 * HOUR),
                _ => rng.between(2 * HOUR, 6 * HOUR),
            };
            rng.daytime(received + delay)
        };
        row.dispatched = dispatched;
        if !rng.chance(NO_SIGN_DUE) {
            row.sign_due = dispatched + 2 * HOUR;
        }
        row.contact_due = dispatched + DAY;
        row.due = if row.urgent {
            dispatched + DAY
        } else {
            let days = match kind {
                CONSULT => rng.pick(&[(5, 70), (7, 30)]),
                1 => rng.pick(&[(5, 30), (7, 50), (10, 20)]),
                2 | 5 => rng.pick(&[(7, 20), (10, 45), (15, 35)]),
                _ => rng.pick(&[(10, 40), (15, 60)]),
            };
            let exact = dispatched + days * DAY;
            if rng.chance(EXACT_DUE) {
                exact
            } else {
                exact / DAY * DAY + DAY - 1
            }
        };

        // Signing for it.
        let r = rng.below(PPM);
        let never = self.bad(unit, SIGN_NEVER);
        let late = never + self.bad(unit, SIGN_LATE);
        let signed = if r < never {
            NONE
        } else if r < late {
            let t = dispatched + 2 * HOUR + rng.between(MINUTE, 22 * HOUR);
            rng.daytime(t)
        } else {
            dispatched + MINUTE + rng.early(2 * HOUR - MINUTE)
        };
        let signed = if signed > self.cutoff { NONE } else { signed };
        row.signed = signed;

        // Closing it.
        let floor = if signed == NONE { NONE } else { (signed + 10 * MINUTE).max(dispatched + 30 * MINUTE) };
        let r = rng.below(PPM);
        let open = self.bad(unit, if carry { LEFT_OPEN * 6 } else { LEFT_OPEN });
        let late = open + self.bad(unit, if carry { CLOSE_LATE * 2 } else { CLOSE_LATE });
        let mut closed = if signed == NONE || r < open {
            NONE
        } else if carry {
            // Still open on the 1st: closed this month or later.
            let lo = floor.max(self.start);
            if lo > row.due {
                // Already overdue: part of the backlog cleared over the following days and weeks.
                let t = lo + backlog(rng);
                rng.daytime(t)
            } else if r < late {
                let t = row.due + lateness(rng);
                rng.daytime(t)
            } else {
                let t = lo + rng.below(row.due - lo + 1);
                rng.in_time(t, row.due)
            }
        } else if r < late {
            let t = floor.max(row.due) + lateness(rng);
            rng.daytime(t)
        } else if floor >= row.due {
            floor
        } else {
            let d = rng.early(row.due - floor).min(rng.early(row.due - floor));
            rng.in_time(floor + d, row.due)
        };
        if closed > self.cutoff {
            closed = NONE;
        }
        row.closed = closed;

        // First contact with the citizen.
        if signed != NONE && !rng.chance(CONTACT_MISSING) {
            let mut contact = if rng.chance(self.bad(unit, CONTACT_LATE)) {
                let t = row.contact_due + rng.between(HOUR, 48 * HOUR);
                rng.daytime(t)
            } else {
                // Mostly the same working day, else within the 24 hours.
                let evening = signed / DAY * DAY + 21 * HOUR;
                let t = if signed + MINUTE < evening && rng.below(100) < 70 {
                    signed + rng.early(evening - signed)
                } else {
                    signed + rng.early(row.contact_due.saturating_sub(signed).clamp(MINUTE, 20 * HOUR))
                };
                rng.in_time(t, row.contact_due)
            };
            if closed != NONE && contact > closed {
                contact = signed + (closed - signed) / 2;
            }
            row.contact = if contact > self.cutoff { NONE } else { contact };
        }

        // Reworked answers.
        if rng.chance(self.bad(unit, RETURNED)) {
            row.returned = if rng.chance(RETURNED_TWICE) { 2 } else { 1 };
        }

        // Feedback to the platform, callback, spot check: closed tickets only.
        if closed != NONE {
            let mut fb = closed + rng.below(20 * MINUTE);
            if closed <= row.due && fb > row.due {
                fb = row.due;
            }
            row.feedback = if fb > self.cutoff { NONE } else { fb };
            if rng.chance(CALLBACK) {
                let at = callback_time(rng, closed);
                if at <= self.cutoff {
                    let r = rng.below(PPM);
                    let unhappy = self.bad(unit, CB_UNSATISFIED);
                    row.callback = if r < unhappy {
                        UNSATISFIED
                    } else if r < unhappy + CB_UNREACHED {
                        UNREACHED
                    } else if r < unhappy + CB_UNREACHED + CB_BASIC {
                        BASICALLY
                    } else {
                        SATISFIED
                    };
                    row.callback_at = at;
                }
            }
            if rng.chance(AUDIT) {
                row.audit = if rng.chance(self.bad(unit, AUDIT_BAD)) { 2 } else { 1 };
            }
        }
    }

    fn write_row(&self, out: &mut Vec<u8>, row: &Row, month: Month, seq: u32) {
        out.extend_from_slice(ID_PREFIX.as_bytes());
        let mut buf = [0u8; 10];
        put_num(&mut buf[0..4], month.year as u32);
        put_num(&mut buf[4..6], month.month);
        out.extend_from_slice(&buf[..6]);
        let width = self.id_width.min(10);
        put_num(&mut buf[..width], seq);
        out.extend_from_slice(&buf[..width]);
        out.push(b',');
        self.put_time(out, row.received);
        out.push(b',');
        put(out, CHANNELS[usize::from(row.channel)].name);
        put(out, KINDS[usize::from(row.kind)]);
        put_category(out, row.category, row.quirk);
        out.push(b',');
        if row.direct {
            put(out, "直接答复");
            put(out, "");
            put(out, "");
        } else {
            let unit = &UNITS[usize::from(row.unit)];
            put(out, "转办");
            put(out, unit.name);
            put(out, unit.parent);
        }
        put(out, if row.province { "是" } else { "否" });
        put(out, if row.urgent { "是" } else { "否" });
        for t in [row.dispatched, row.sign_due, row.signed, row.contact_due, row.contact, row.due, row.closed]
        {
            self.put_time(out, t);
            out.push(b',');
        }
        if !row.direct {
            out.push(b'0' + row.returned);
        }
        out.push(b',');
        put(out, CALLBACK_RESULTS[usize::from(row.callback)]);
        for t in [row.callback_at, row.due, row.feedback] {
            self.put_time(out, t);
            out.push(b',');
        }
        out.extend_from_slice(AUDIT_RESULTS[usize::from(row.audit)].as_bytes());
        out.push(b'\n');
    }

    fn put_time(&self, out: &mut Vec<u8>, t: u32) {
        if t == NONE {
            return;
        }
        let day = t / DAY;
        let cached = day.checked_sub(self.date_base).and_then(|i| self.dates.get(i as usize));
        out.extend_from_slice(&cached.copied().unwrap_or_else(|| date_bytes(day)));
        let s = t % DAY;
        let mut b = *b"00:00:00";
        put_num(&mut b[0..2], s / HOUR);
        put_num(&mut b[3..5], s / MINUTE % 60);
        put_num(&mut b[6..8], s % 60);
        out.extend_from_slice(&b);
    }
}

/// `YYYY-MM-DD ` of a day number.
fn date_bytes(day: u32) -> [u8; 11] {
    let (y, m, d, ..) = Stamp(day * DAY).to_civil();
    let mut b = *b"0000-00-00 ";
    put_num(&mut b[0..4], y as u32);
    put_num(&mut b[5..7], m);
    put_num(&mut b[8..10], d);
    b
}

/// How late a late close is: mostly hours, sometimes days, rarely weeks.
fn lateness(rng: &mut Rng) -> u32 {
    match rng.below(100) {
        0..=59 => rng.between(HOUR, DAY),
        60..=89 => rng.between(DAY, 5 * DAY),
        _ => rng.between(5 * DAY, 20 * DAY),
    }
}

/// How long an overdue carried-over ticket still takes after the 1st.
fn backlog(rng: &mut Rng) -> u32 {
    match rng.below(100) {
        0..=59 => rng.between(HOUR, 5 * DAY),
        60..=89 => rng.between(5 * DAY, 10 * DAY),
        _ => rng.between(10 * DAY, 25 * DAY),
    }
}

/// One to three days after `t`, in the call centre's working hours.
fn callback_time(rng: &mut Rng, t: u32) -> u32 {
    (t / DAY + rng.between(1, 3)) * DAY + 9 * HOUR + rng.below(11 * HOUR)
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Quirk {
    #[default]
    None,
    /// `分类,其他`: needs quoting for the comma.
    Comma,
    /// `"分类"问题`: needs quoting and doubled quotes.
    Quote,
    /// `分类` + newline + `(复核)`: a line break inside a quoted field.
    Newline,
}

struct Row {
    received: u32,
    channel: u8,
    kind: u8,
    category: &'static str,
    quirk: Quirk,
    direct: bool,
    unit: u16,
    province: bool,
    urgent: bool,
    dispatched: u32,
    sign_due: u32,
    signed: u32,
    contact_due: u32,
    contact: u32,
    due: u32,
    closed: u32,
    returned: u8,
    /// Index into `CALLBACK_RESULTS`.
    callback: u8,
    callback_at: u32,
    feedback: u32,
    /// Index into `AUDIT_RESULTS`.
    audit: u8,
}

impl Default for Row {
    fn default() -> Row {
        Row {
            received: NONE,
            channel: 0,
            kind: 0,
            category: "",
            quirk: Quirk::None,
            direct: true,
            unit: 0,
            province: false,
            urgent: false,
            dispatched: NONE,
            sign_due: NONE,
            signed: NONE,
            contact_due: NONE,
            contact: NONE,
            due: NONE,
            closed: NONE,
            returned: 0,
            callback: 0,
            callback_at: NONE,
            feedback: NONE,
            audit: 0,
        }
    }
}

/// A field that never needs quoting, then the separator.
fn put(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
    out.push(b',');
}

fn put_category(out: &mut Vec<u8>, cat: &str, quirk: Quirk) {
    match quirk {
        Quirk::None => out.extend_from_slice(cat.as_bytes()),
        Quirk::Comma => {
            out.push(b'"');
            out.extend_from_slice(cat.as_bytes());
            out.extend_from_slice(",其他\"".as_bytes());
        }
        Quirk::Quote => {
            out.extend_from_slice(b"\"\"\"");
            out.extend_from_slice(cat.as_bytes());
            out.extend_from_slice("\"\"问题\"".as_bytes());
        }
        Quirk::Newline => {
            out.push(b'"');
            out.extend_from_slice(cat.as_bytes());
            out.extend_from_slice("\n(复核)\"".as_bytes());
        }
    }
}

/// Writes `n` zero-padded into all of `buf` (higher digits are dropped if it does not fit).
fn put_num(buf: &mut [u8], mut n: u32) {
    for b in buf.iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// A minimal RFC 4180 reader: records of fields, quotes doubled inside quoted fields.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if quoted {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        quoted = false;
                    }
                } else {
                    field.push(c);
                }
            } else {
                match c {
                    '"' => {
                        assert!(field.is_empty(), "quote inside an unquoted field: {field:?}");
                        quoted = true;
                    }
                    ',' => record.push(std::mem::take(&mut field)),
                    '\n' => {
                        record.push(std::mem::take(&mut field));
                        records.push(std::mem::take(&mut record));
                    }
                    '\r' => panic!("bare CR"),
                    _ => field.push(c),
                }
            }
        }
        assert!(!quoted, "unterminated quoted field");
        assert!(field.is_empty() && record.is_empty(), "last line has no line end");
        records
    }

    fn stamp(s: &str) -> Stamp {
        let b = s.as_bytes();
        assert_eq!(b.len(), 19, "not YYYY-MM-DD HH:MM:SS: {s:?}");
        assert!(b[4] == b'-' && b[7] == b'-' && b[10] == b' ' && b[13] == b':' && b[16] == b':', "{s:?}");
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap();
        Stamp::from_civil(n(0..4) as i32, n(5..7), n(8..10), n(11..13), n(14..16), n(17..19))
            .unwrap_or_else(|| panic!("not a real time: {s}"))
    }

    fn opt(s: &str) -> Option<Stamp> {
        (!s.is_empty()).then(|| stamp(s))
    }

    fn rows(cfg: &GenConfig) -> Vec<Vec<String>> {
        let records = parse_csv(&generate_string(cfg));
        assert_eq!(records[0], HEADERS);
        records[1..].to_vec()
    }

    fn col(name: &str) -> usize {
        HEADERS.iter().position(|h| *h == name).unwrap()
    }

    #[test]
    fn same_config_same_bytes_and_the_seed_matters() {
        let cfg = GenConfig::new(Month::new(2021, 2), 3000, 7);
        let a = generate_string(&cfg);
        assert_eq!(a, generate_string(&cfg));
        let mut bytes = Vec::new();
        generate(&cfg, &mut bytes);
        assert_eq!(a.as_bytes(), &bytes[..]);
        assert_ne!(a, generate_string(&GenConfig::new(Month::new(2021, 2), 3000, 8)));
        assert_ne!(a, generate_string(&GenConfig::new(Month::new(2021, 3), 3000, 7)));
    }

    #[test]
    fn header_is_the_canonical_one() {
        let text = generate_string(&GenConfig::new(Month::new(2021, 2), 10, 1));
        let header = text.lines().next().unwrap();
        assert_eq!(
            header,
            "工单编号,受理时间,来源渠道,诉求类型,问题分类,办理方式,承办单位,上级单位,省派,急件,派单时间,签收时限,\
             签收时间,首次联系时限,首次联系时间,办理时限,办结时间,退回次数,回访结果,回访时间,反馈时限,反馈时间,答复抽检"
        );
        assert!(!text.starts_with('\u{feff}'));
    }

    #[test]
    fn every_row_has_23_fields_and_quoting_is_exercised() {
        let records = rows(&GenConfig::new(Month::new(2021, 2), 20_000, 3));
        let cat = col("问题分类");
        for r in &records {
            assert_eq!(r.len(), 23, "{r:?}");
        }
        let quirky = |p: fn(&str) -> bool| records.iter().filter(|r| p(&r[cat])).count();
        assert!(quirky(|c| c.contains(',')) > 20);
        assert!(quirky(|c| c.contains('"')) > 20);
        assert!(quirky(|c| c.contains('\n')) > 0);
        assert!(records.iter().all(|r| r[cat].contains('\n') || !r.iter().any(|f| f.contains('\n'))));
    }

    #[test]
    fn ids_unique_counts_and_carry_over() {
        let month = Month::new(2021, 2);
        let cfg = GenConfig::new(month, 20_000, 11);
        let records = rows(&cfg);
        let (id, received, closed) = (col("工单编号"), col("受理时间"), col("办结时间"));
        let ids: HashSet<&str> = records.iter().map(|r| r[id].as_str()).collect();
        assert_eq!(ids.len(), records.len());

        let start = month.start();
        let (this, carry): (Vec<_>, Vec<_>) = records.iter().partition(|r| stamp(&r[received]) >= start);
        assert_eq!(this.len(), cfg.tickets);
        assert!(this.iter().all(|r| stamp(&r[received]).month() == month && r[id].starts_with("LYG202102")));
        assert_eq!(carry.len(), 1000);
        for r in &carry {
            assert_eq!(stamp(&r[received]).month(), month.prev());
            assert!(r[id].starts_with("LYG202101"));
            assert!(opt(&r[closed]).is_none_or(|c| c >= start), "{r:?}");
            assert_eq!(r[col("办理方式")], "转办");
        }
        // Receipt order overall.
        assert!(records.windows(2).all(|w| w[0][received] <= w[1][received]));
    }

    #[test]
    fn direct_rows_are_bare_and_dispatched_rows_complete() {
        let records = rows(&GenConfig::new(Month::new(2020, 12), 20_000, 5));
        let c = |n| col(n);
        let bare =
            ["承办单位", "上级单位", "派单时间", "签收时限", "签收时间", "首次联系时限", "首次联系时间"];
        let bare2 = ["办理时限", "办结时间", "退回次数", "反馈时限", "反馈时间", "答复抽检"];
        let mut direct = 0;
        for r in &records {
            match r[c("办理方式")].as_str() {
                "直接答复" => {
                    direct += 1;
                    for name in bare.iter().chain(&bare2) {
                        assert!(r[c(name)].is_empty(), "{name} in {r:?}");
                    }
                    assert_eq!(r[c("急件")], "否");
                }
                "转办" => {
                    for name in ["承办单位", "派单时间", "办理时限", "首次联系时限", "反馈时限", "退回次数"]
                    {
                        assert!(!r[c(name)].is_empty(), "{name} in {r:?}");
                    }
                    assert_eq!(r[c("反馈时限")], r[c("办理时限")]);
                    let parent = &r[c("上级单位")];
                    assert!(parent.is_empty() || r[c("承办单位")].ends_with("街道办"));
                }
                other => panic!("办理方式 {other}"),
            }
            assert!(["是", "否"].contains(&r[c("省派")].as_str()));
            assert_eq!(r[c("省派")] == "是", r[c("来源渠道")] == "省12345平台");
        }
        let share = direct * 100 / records.len();
        assert!((55..=65).contains(&share), "直接答复 {share} %");
    }

    #[test]
    fn times_are_valid_and_in_causal_order() {
        let month = Month::new(2024, 2);
        let records = rows(&GenConfig::new(month, 20_000, 9));
        let cutoff = Stamp(month.next().start().0 + EXPORT_LAG);
        let t = |r: &Vec<String>, n: &str| opt(&r[col(n)]);
        for r in &records {
            let received = t(r, "受理时间").unwrap();
            let Some(dispatched) = t(r, "派单时间") else {
                if let Some(cb) = t(r, "回访时间") {
                    assert!(cb > received && cb <= cutoff);
                }
                continue;
            };
            assert!(dispatched > received);
            let due = t(r, "办理时限").unwrap();
            assert!(due > dispatched);
            if let Some(sd) = t(r, "签收时限") {
                assert_eq!(sd.0, dispatched.0 + 2 * HOUR);
            }
            assert_eq!(t(r, "首次联系时限").unwrap().0, dispatched.0 + DAY);
            let signed = t(r, "签收时间");
            let closed = t(r, "办结时间");
            if let Some(s) = signed {
                assert!(s > dispatched && s <= cutoff);
            } else {
                assert!(closed.is_none() && t(r, "首次联系时间").is_none());
            }
            if let Some(ct) = t(r, "首次联系时间") {
                assert!(ct >= signed.unwrap() && ct <= cutoff);
                assert!(closed.is_none_or(|c| ct <= c));
            }
            match closed {
                Some(c) => {
                    assert!(c > signed.unwrap() && c <= cutoff);
                    let fb = t(r, "反馈时间").unwrap();
                    assert!(fb >= c);
                    assert!(c > due || fb <= due);
                    if let Some(cb) = t(r, "回访时间") {
                        assert!(cb > c && cb <= cutoff);
                    }
                }
                None => {
                    for n in ["反馈时间", "回访结果", "回访时间", "答复抽检"] {
                        assert!(r[col(n)].is_empty(), "{n} on an open ticket: {r:?}");
                    }
                }
            }
            assert_eq!(r[col("回访结果")].is_empty(), r[col("回访时间")].is_empty());
        }
    }

    #[test]
    fn mixes_look_like_the_seed_reports() {
        let records = rows(&GenConfig::new(Month::new(2021, 2), 50_000, 21));
        let n = records.len();
        let pct = |p: &dyn Fn(&Vec<String>) -> bool| records.iter().filter(|r| p(r)).count() * 100 / n;
        assert!((55..=65).contains(&pct(&|r| r[col("来源渠道")] == "12345热线电话")));
        assert!((20..=30).contains(&pct(&|r| r[col("来源渠道")] == "监督员上报")));
        let units: HashSet<&str> = records.iter().map(|r| r[col("承办单位")].as_str()).collect();
        assert!(units.len() > 50, "{} units", units.len());
        let dispatched: Vec<_> = records.iter().filter(|r| r[col("办理方式")] == "转办").collect();
        let biggest = dispatched.iter().filter(|r| r[col("承办单位")] == "海州区").count();
        assert!(biggest * 100 / dispatched.len() >= 10, "海州区 should lead the heavy tail");
        let late = dispatched
            .iter()
            .filter(|r| !r[col("办结时间")].is_empty() && r[col("办结时间")] > r[col("办理时限")])
            .count();
        assert!((3..=9).contains(&(late * 100 / dispatched.len())));
    }

    #[test]
    fn edge_configs() {
        // No tickets: the header only.
        let text = generate_string(&GenConfig::new(Month::new(2021, 2), 0, 1));
        assert_eq!(text.lines().count(), 1);
        // The first month of the range has no previous month, hence no carry-over.
        let first = rows(&GenConfig::new(Month::new(2000, 1), 500, 1));
        assert_eq!(first.len(), 500);
        // Months past the range are clamped; every time still parses.
        for r in rows(&GenConfig::new(Month::new(2200, 7), 500, 1)) {
            for f in r.iter().filter(|f| f.len() == 19 && f.as_bytes()[4] == b'-') {
                assert!(stamp(f).0 < Stamp::NONE.0);
            }
        }
        // Seven-digit sequence numbers once a month passes a million ids: checked on the width rule.
        assert_eq!(Gen::new(&GenConfig::new(Month::new(2021, 2), 999_999, 1)).id_width, 7);
        assert_eq!(Gen::new(&GenConfig::new(Month::new(2021, 2), 9_000, 1)).id_width, 6);
    }

    #[test]
    fn some_small_units_sit_out_a_month() {
        let cfg = GenConfig::new(Month::new(2021, 2), 1, 4);
        let g = Gen::new(&cfg);
        let zero = (0..UNITS.len())
            .filter(|&i| g.unit_cum[0][i] == if i == 0 { 0 } else { g.unit_cum[0][i - 1] })
            .count();
        assert!(zero > 0 && zero < 25, "{zero} dormant units");
    }
}
