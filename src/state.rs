//! Everything the page holds, provided by context ([`use_state`]): signals for what is shown,
//! and the calls that change them (files to the worker, re-counts, re-scores).

use crate::browser::{self, LoadError, Progress};
use crate::client::WorkerClient;
use crate::history;
use crate::load;
use crate::model::{CellCounts, PageCounts, Scope};
use crate::protocol::{FromWorker, SideFile};
use crate::route::{Link, LinkProblem, LinkRules, Route, TableView, ViewId};
use hotline_engine::count::entity::EntityLevel;
use hotline_engine::report::shortfall::{ShortfallQuery, Shortfalls};
use hotline_engine::report::{Report, ReportOptions};
use hotline_engine::score::registry::{Adjustments, Registry};
use hotline_engine::score::rules::RuleSet;
use hotline_engine::score::{Context, Scores};
use hotline_engine::tickets::schema::Mapping;
use hotline_engine::{FileError, IndicatorOptions, IngestOptions, Period};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;
use web_sys::Blob;

/// The page's state, from context (provided once by [`crate::app::App`]).
pub fn use_state() -> State {
    expect_context::<State>()
}

/// What the page is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    Idle,
    Reading {
        name: String,
        progress: Progress,
    },
    /// The header is not the canonical one: the user confirms a mapping.
    Mapping {
        name: String,
        headers: Vec<String>,
        draft: Mapping,
        note: String,
    },
    Failed(String),
    Ready,
}

/// Where rules being applied come from: a preset, a file, or an edit of the rules in force.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RulesOrigin {
    Preset(&'static str),
    File,
    Edit,
}

/// The name an edit of rules gives them: "基于 <preset> 修改" while they differ from the preset
/// they came from (an edit that puts every number back gives the preset's name again).
fn edited_name(preset: Option<&RuleSet>, mut edited: RuleSet) -> RuleSet {
    if let Some(p) = preset {
        edited.name = p.name.clone();
        if edited != *p {
            edited.name = format!("基于 {} 修改", p.name);
        }
    }
    edited
}

/// Everything the page holds. The tickets stay in the worker, so a period change re-counts
/// there without re-reading the file; the page keeps the report and its tallies.
#[derive(Clone, Copy)]
pub struct State {
    pub(crate) stage: RwSignal<Stage>,
    pub(crate) file_name: RwSignal<String>,
    pub(crate) report: RwSignal<Option<Report>>,
    pub(crate) period: RwSignal<Option<Period>>,
    pub(crate) options: RwSignal<IndicatorOptions>,
    pub(crate) registry: RwSignal<Option<Registry>>,
    pub(crate) adjustments: RwSignal<Option<Adjustments>>,
    /// The rules in force; a refused edit leaves them as they were.
    pub(crate) rules: RwSignal<Option<RuleSet>>,
    /// Scores by the rules in force: apart from the report, so a rule edit re-renders only them.
    pub(crate) scores: RwSignal<Option<Scores>>,
    /// Milliseconds the last re-score took (rules → scores, without re-counting tickets).
    pub(crate) score_ms: RwSignal<Option<f64>>,
    pub(crate) side_message: RwSignal<String>,
    /// Milliseconds from handing the file to the worker to the report being on the page.
    /// How long the last file took, and whether two workers read it.
    pub(crate) load_ms: RwSignal<Option<(f64, crate::protocol::Readers)>>,
    /// A re-count is under way in the worker (period, options, registry or deadlines changed).
    pub(crate) counting: RwSignal<bool>,
    /// The file being read and the mapping it was given (`None`: canonical headers).
    pub(crate) pending: StoredValue<Option<(Blob, Option<Mapping>)>>,
    /// The file being read: (name, note for the summary, start time).
    pub(crate) loading: StoredValue<(String, String, f64)>,
    pub(crate) worker: StoredValue<Option<Rc<WorkerClient>>, LocalStorage>,
    /// The file's month-keyed cells, when the worker sent them: what a period change counts from.
    pub(crate) counts: StoredValue<Option<PageCounts>>,
    /// The unit whose shortfall lists are asked for (shown under the unit table).
    pub(crate) shortfall_query: RwSignal<Option<ShortfallQuery>>,
    /// Its lists as the worker sent them (an excerpt), or why there are none.
    pub(crate) shortfalls: RwSignal<Option<Result<Shortfalls, String>>>,
    /// A streamed file being read again (shortfall lists, new deadlines, or all its rejects).
    pub(crate) rereading: RwSignal<Option<Progress>>,
    /// All the rejects of a streamed file are being read again, for their download.
    pub(crate) exporting: RwSignal<bool>,
    /// The view on screen and the unit open, as the URL fragment says.
    pub(crate) route: RwSignal<Route>,
    /// What the unit search last said (found nothing), for its live region.
    pub(crate) search_message: RwSignal<String>,
    /// Every problem of the rule file last refused (the rules in force stay), worded by the worker.
    pub(crate) rule_errors: RwSignal<Vec<String>>,
    /// What reading several files together found, a line per file (empty for one file).
    pub(crate) combined: RwSignal<Vec<String>>,
    /// The first rows of a file in the mapping step, as the worker decoded them (sample values).
    pub(crate) mapping_samples: RwSignal<Vec<Vec<String>>>,
    /// The preset the rules in force come from (its id), edited or not; `None` for a rule file.
    pub(crate) rules_preset: RwSignal<Option<String>>,
    /// The unit whose self-audit is open (本单位自查).
    pub(crate) audit_unit: RwSignal<Option<(EntityLevel, String)>>,
    /// Its audit as the worker rendered it (HTML), or why there is none; `None` while it is made.
    pub(crate) audit: RwSignal<Option<Result<String, String>>>,
    /// The fix-first list's "as of" as typed (`None`: the file's latest time).
    pub(crate) audit_as_of: StoredValue<Option<String>>,
    /// When the last tick was made (for the what-if's timing, `data-ms`).
    pub(crate) tick_at: StoredValue<f64>,
    /// What the page's address asked for and could not use (each part ignored, the rest used).
    pub(crate) link_problems: RwSignal<Vec<String>>,
    /// The rules in force arrived by a link (its fragment or its query): marked on screen.
    pub(crate) rules_from_link: RwSignal<bool>,
    /// The rules in force packed for the fragment (by the worker).
    pub(crate) rules_packed: RwSignal<Option<String>>,
    /// The rules in force as the rules view's form, as the worker made it (HTML).
    pub(crate) rules_form: RwSignal<String>,
    /// The rules view's text of the rule file (the rules in force as the worker wrote them, or
    /// what is being typed).
    pub(crate) rules_text: RwSignal<String>,
    /// How many times the rules changed: the packing asked for the last change is the one kept.
    pub(crate) rules_change: StoredValue<u64>,
    /// How each table with an id is shown, where it differs from how it starts.
    pub(crate) tables: RwSignal<Vec<(String, TableView)>>,
    /// The interface language a link asked for (`zh`).
    pub(crate) lang: RwSignal<Option<String>>,
    /// The period a link asked for before any file was read: the first file opens on it.
    pub(crate) wanted_period: StoredValue<Option<Period>>,
    /// The preset the rules in force came from, as it ships (what an edit is compared with).
    pub(crate) preset_base: StoredValue<Option<RuleSet>>,
    /// Rules a link carries that the worker is unpacking.
    pub(crate) pending_rules: RwSignal<Option<String>>,
}

/// The unit last opened in 本单位自查, remembered on the device.
const MY_UNIT: &str = "my-unit";

impl State {
    pub(crate) fn new() -> State {
        let state = State {
            stage: RwSignal::new(Stage::Idle),
            file_name: RwSignal::new(String::new()),
            report: RwSignal::new(None),
            period: RwSignal::new(None),
            options: RwSignal::new(IndicatorOptions::default()),
            registry: RwSignal::new(None),
            adjustments: RwSignal::new(None),
            rules: RwSignal::new(None),
            scores: RwSignal::new(None),
            score_ms: RwSignal::new(None),
            side_message: RwSignal::new(String::new()),
            load_ms: RwSignal::new(None),
            counting: RwSignal::new(false),
            pending: StoredValue::new(None),
            loading: StoredValue::new((String::new(), String::new(), 0.0)),
            worker: StoredValue::new_local(None),
            counts: StoredValue::new(None),
            shortfall_query: RwSignal::new(None),
            shortfalls: RwSignal::new(None),
            rereading: RwSignal::new(None),
            exporting: RwSignal::new(false),
            route: RwSignal::new(Route::default()),
            search_message: RwSignal::new(String::new()),
            rules_preset: RwSignal::new(None),
            combined: RwSignal::new(Vec::new()),
            rule_errors: RwSignal::new(Vec::new()),
            mapping_samples: RwSignal::new(Vec::new()),
            audit_unit: RwSignal::new(None),
            audit: RwSignal::new(None),
            audit_as_of: StoredValue::new(None),
            tick_at: StoredValue::new(0.0),
            link_problems: RwSignal::new(Vec::new()),
            rules_from_link: RwSignal::new(false),
            rules_packed: RwSignal::new(None),
            rules_change: StoredValue::new(0),
            rules_form: RwSignal::new(String::new()),
            rules_text: RwSignal::new(String::new()),
            tables: RwSignal::new(Vec::new()),
            lang: RwSignal::new(None),
            pending_rules: RwSignal::new(None),
            preset_base: StoredValue::new(None),
            wanted_period: StoredValue::new(None),
        };
        match WorkerClient::spawn(move |m| state.on_worker(m)) {
            Ok(w) => state.worker.set_value(Some(Rc::new(w))),
            Err(e) => state.stage.set(Stage::Failed(e)),
        }
        state
    }

    /// What the report is counted with: the page's choices, and what the rules in force fix
    /// (their indicator readings and deadlines), so figures and scores read the same counts.
    pub(crate) fn report_options(&self) -> ReportOptions {
        let own = ReportOptions {
            period: self.period.get_untracked(),
            registry: self.registry.get_untracked(),
            indicators: self.options.get_untracked(),
            deadlines: None,
        };
        self.rules.with_untracked(|r| own.under_rules(r.as_ref()))
    }

    /// What the worker says: progress, a report, or a failure.
    pub(crate) fn on_worker(&self, m: FromWorker) {
        match m {
            FromWorker::Ready => {}
            FromWorker::Progress(p) => {
                let name = self.loading.with_value(|l| l.0.clone());
                self.stage.set(Stage::Reading { name, progress: p });
            }
            FromWorker::Loaded(counts, readers) => {
                self.clear_shortfalls();
                self.audit_unit.set(None);
                let (name, note, started) = self.loading.get_value();
                self.file_name.set(if note.is_empty() { name } else { format!("{name}（{note}）") });
                let Some((report, rejects)) = self.adopt(*counts) else {
                    return self
                        .stage
                        .set(Stage::Failed("后台线程送来的计数无法用于当前条件，请重新选择文件".into()));
                };
                // A period the link asked for that the file does not hold: said, and the file's own.
                let months: Vec<hotline_engine::Month> = report.months.iter().map(|m| m.month).collect();
                if let Some(p) =
                    self.period.get_untracked().filter(|p| !p.iter_months().all(|m| months.contains(&m)))
                {
                    self.link_problems.update(|l| {
                        l.push(format!("链接中的期间“{}”不在此文件的数据中：显示文件的默认月份", p.label()))
                    });
                    self.period.set(None);
                    self.report.set(Some(Report { rejects, ..report }));
                    self.rebuild();
                } else {
                    self.report.set(Some(Report { rejects, ..report }));
                }
                self.rescore();
                if let crate::protocol::Readers::ReadAgain(why) = &readers {
                    web_sys::console::log_1(&format!("第二个线程读取的部分已重新读取：{why}").into());
                }
                self.load_ms.set(Some((browser::now_ms() - started, readers)));
                self.stage.set(Stage::Ready);
                // A link that names a unit opens it once there are figures.
                self.follow_unit(&self.route.get_untracked());
            }
            FromWorker::Rereading(p) => self.rereading.set(Some(p)),
            FromWorker::Audit { name, html } => {
                if self.audit_unit.with_untracked(|u| u.as_ref().is_some_and(|u| u.1 == name)) {
                    self.rereading.set(None);
                    self.audit.set(Some(html));
                }
            }
            FromWorker::PackedRules(change, made) => {
                if change == self.rules_change.get_value() && !made.packed.is_empty() {
                    self.pending_rules.set(None);
                    self.rules_packed.set(Some(made.packed));
                    self.rules_form.set(made.form);
                    self.rules_text.set(made.text);
                }
            }
            FromWorker::Preset { id, json } => {
                let known = hotline_engine::score::presets::PRESET_NAMES.iter().find(|(i, _)| *i == id);
                if let Some((id, _)) = known {
                    self.apply_rules_text(json, RulesOrigin::Preset(id));
                }
            }
            FromWorker::EditedRules(Ok(json)) => self.apply_rules_text(json, RulesOrigin::Edit),
            FromWorker::EditedRules(Err(errors)) => self.rule_errors.set(errors),
            FromWorker::LinkRules(Ok(json)) => {
                // The fragment keeps the link's packing until the rules' own comes back.
                if let Some(rules) = RuleSet::parse_valid(&json) {
                    self.rules_preset.set(None);
                    self.rules_from_link.set(true);
                    self.use_rules(Some(rules));
                }
            }
            FromWorker::LinkRules(Err(why)) => {
                self.pending_rules.set(None);
                self.link_problems
                    .update(|p| p.push(format!("链接中的规则未采用（仍使用原有规则）：{}", why.join("；"))))
            }
            FromWorker::WhatIf(html) => {
                let Some(el) = document().get_element_by_id("audit-whatif") else { return };
                // Answered, then painted: the times from the tick, for the benchmark.
                let started = self.tick_at.get_value();
                let _ = el.set_attribute("data-answer-ms", &format!("{:.1}", browser::now_ms() - started));
                el.set_inner_html(&html);
                // A task queued from the frame's callback runs once that frame is laid out and painted.
                request_animation_frame(move || {
                    set_timeout(
                        move || {
                            let _ =
                                el.set_attribute("data-ms", &format!("{:.1}", browser::now_ms() - started));
                        },
                        std::time::Duration::ZERO,
                    )
                });
            }
            FromWorker::Combined(notes) => self.combined.set(notes),
            FromWorker::RuleErrors(errors) => self.rule_errors.set(errors),
            FromWorker::Samples(rows) => self.mapping_samples.set(rows),
            FromWorker::Shortfalls(found) => {
                // Only the answer to the lists asked for last (an older second read may finish later).
                let current = self.shortfall_query.with_untracked(|q| match &found {
                    Ok(f) => q.as_ref() == Some(&f.query),
                    Err(_) => q.is_some(),
                });
                if current {
                    self.rereading.set(None);
                    self.shortfalls.set(Some(found.map(|b| *b)));
                }
            }
            FromWorker::Download { name, bytes } => {
                self.rereading.set(None);
                self.exporting.set(false);
                load::download(&name, &bytes, "text/csv;charset=utf-8");
            }
            FromWorker::SideFile { name, read } => match read {
                Ok(SideFile::Registry(r)) => {
                    self.side_message.set(format!("已载入单位名录 {name}：{} 个单位", r.entries.len()));
                    self.registry.set(Some(r));
                    self.rebuild();
                }
                Ok(SideFile::Adjustments(a)) => {
                    self.side_message
                        .set(format!("已载入加减分文件 {name}：{} 条（在考评得分中使用）", a.entries.len()));
                    self.adjustments.set(Some(a));
                    self.rescore();
                }
                Err(e) => self.side_message.set(e),
            },
            FromWorker::Counted(counts) => {
                self.counting.set(false);
                self.rereading.set(None);
                if let Some((report, _)) = self.adopt(*counts) {
                    self.show_recount(report);
                }
            }
            FromWorker::Failed(LoadError::File(FileError::Header { headers, .. })) => {
                self.header_refused(headers)
            }
            FromWorker::Failed(LoadError::Cancelled) => {
                let had = self.report.with_untracked(|r| r.is_some());
                self.stage.set(if had {
                    Stage::Ready
                } else {
                    Stage::Failed(LoadError::Cancelled.message())
                });
            }
            FromWorker::Failed(e) => {
                self.counting.set(false);
                self.rereading.set(None);
                self.exporting.set(false);
                self.stage.set(Stage::Failed(e.message()));
            }
        }
    }

    /// Takes the file's cells the worker sent: later changes of period, option or registry are
    /// counted here from them. Returns the report for the options in force and the rejected rows
    /// that came with the cells.
    pub(crate) fn adopt(&self, cells: CellCounts) -> Option<(Report, Vec<hotline_engine::Reject>)> {
        let (mut local, rejects) = PageCounts::new(cells)
            .map_err(|e| web_sys::console::error_1(&format!("后台线程送来的计数无法读取：{e}").into()))
            .ok()?;
        // Counted for the options of the request; newer deadlines are on their way.
        let options = local.own_options(&self.report_options());
        let report = local.report(&options);
        self.counts.set_value(Some(local));
        Some((report?, rejects))
    }

    /// A report counted again: the rejected rows stay (they do not change with the period).
    pub(crate) fn show_recount(&self, mut report: Report) {
        self.report.update_untracked(|old| {
            if let Some(old) = old {
                report.rejects = std::mem::take(&mut old.rejects);
            }
        });
        let period = report.period.as_ref().map(|p| p.period);
        self.report.set(Some(report));
        self.rescore();
        // Open lists follow the new period and options.
        if let (Some(mut q), Some(period)) = (self.shortfall_query.get_untracked(), period) {
            q.period = period;
            self.ask_shortfalls(q);
        }
    }

    /// Counts again for the options in force (period, registry, indicator options or rule-file
    /// deadlines changed): here from the file's cells when they serve, in the same task as the
    /// change; otherwise the worker counts from its tickets (other deadlines, or dates over more
    /// months than the month tables serve).
    pub(crate) fn rebuild(&self) {
        // Nothing read yet: the file, when it comes, is counted with the options then in force.
        if self.report.with_untracked(Option::is_none) {
            return;
        }
        let options = self.report_options();
        let local = self.counts.try_update_value(|c| c.as_mut().and_then(|c| c.report(&options))).flatten();
        match local {
            Some(report) => self.show_recount(report),
            None => {
                self.counting.set(true);
                self.worker.with_value(|w| w.as_ref().map(|w| w.count(options)));
            }
        }
    }

    /// Re-scores from the per-unit tallies already counted: a rule edit never touches tickets.
    pub(crate) fn rescore(&self) {
        let started = browser::now_ms();
        let rules = self.rules.get_untracked();
        let registry = self.registry.get_untracked();
        let adjustments = self.adjustments.get_untracked();
        let scores = self.report.with_untracked(|r| {
            let (r, rules) = (r.as_ref()?, rules.as_ref()?);
            let ctx = Context { registry: registry.as_ref(), adjustments: adjustments.as_ref(), months: 1 };
            Some(r.score(rules, &ctx))
        });
        self.scores.set(scores);
        self.score_ms.set(Some(browser::now_ms() - started));
        // An open self-audit follows the rules, period and options.
        if self.audit_unit.with_untracked(|u| u.is_some()) {
            self.ask_audit();
        }
    }

    /// Opens `name`'s self-audit (本单位自查), remembered on this device as the user's unit.
    pub(crate) fn open_audit(&self, level: EntityLevel, name: String) {
        load::save_setting(MY_UNIT, &name);
        self.navigate(Route { view: ViewId::Audit, unit: Some(name.clone()) });
        // Already open (a name picked from the list and Enter both open it): its audit stands,
        // and a second one would only keep the worker from the first tick.
        if self.audit_unit.with_untracked(|u| u.as_ref() != Some(&(level, name.clone()))) {
            self.audit_unit.set(Some((level, name)));
            self.ask_audit();
        }
        request_animation_frame(|| {
            let title = document().get_element_by_id("audit-title");
            if let Some(t) =
                title.and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            {
                let _ = t.focus();
            }
        });
    }

    /// Opens the self-audit of the unit named `name` (at the level the rules score, where it is
    /// at both).
    pub(crate) fn audit_named(&self, name: &str) {
        let route = Route { view: ViewId::Audit, unit: Some(name.to_string()) };
        self.route.set(route.clone());
        self.audit_unit.set(None);
        self.follow_unit(&route);
    }

    /// Asks the worker for the open unit's self-audit under the rules and choices in force.
    pub(crate) fn ask_audit(&self) {
        let Some((level, name)) = self.audit_unit.get_untracked() else { return };
        self.audit.set(None);
        let Some(rules) = self.rules.get_untracked() else {
            let why = "尚未选择考评规则：请在“规则”中选择预设或载入规则文件。".to_string();
            return self.audit.set(Some(Err(why)));
        };
        let ask = crate::protocol::AuditAsk {
            level,
            name,
            as_of: self.audit_as_of.get_value(),
            report: self.report_options(),
            rules,
            adjustments: self.adjustments.get_untracked(),
        };
        self.worker.with_value(|w| w.as_ref().map(|w| w.audit(ask)));
    }

    /// Asks the worker for one unit's shortfall lists (the period is the report's).
    pub(crate) fn ask_shortfalls(&self, query: ShortfallQuery) {
        self.shortfall_query.set(Some(query.clone()));
        self.shortfalls.set(None);
        let options = self.report_options();
        self.worker.with_value(|w| w.as_ref().map(|w| w.shortfalls(query, options)));
    }

    /// Forgets the open unit's lists (a new file, or the unit closed).
    pub(crate) fn clear_shortfalls(&self) {
        self.shortfall_query.set(None);
        self.shortfalls.set(None);
    }

    /// Closes the open unit: its lists go, and so does the unit from the fragment.
    pub(crate) fn close_unit(&self) {
        self.clear_shortfalls();
        let view = self.route.with_untracked(|r| r.view);
        self.navigate(Route { view, unit: None });
    }

    /// Shows `route`: the view on screen and the fragment that says so (a new history entry, so
    /// the browser's back button returns to the view before).
    pub(crate) fn navigate(&self, route: Route) {
        if self.route.with_untracked(|r| *r != route) {
            self.route.set(route.clone());
        }
        let fragment = self.link_untracked().to_fragment();
        if history::fragment() != fragment {
            history::set_fragment(&fragment, true);
        }
    }

    /// The screen as a link: the view and unit, period, rules, tables, language.
    pub(crate) fn link(&self) -> Link {
        // A preset as it comes (an edit renames the rules "基于 … 修改") by its id; any other
        // rules packed whole.
        let rules = self.rules.with(|r| {
            let r = r.as_ref()?;
            match self.rules_preset.get().filter(|_| !r.name.starts_with("基于 ")) {
                Some(id) => Some(LinkRules::Preset(id)),
                None => self.rules_packed.get().map(LinkRules::Packed),
            }
        });
        let rules = rules.or_else(|| self.pending_rules.get().map(LinkRules::Packed));
        let mut link = Link {
            route: self.route.get(),
            period: self.period.get(),
            rules,
            tables: self.tables.get(),
            lang: self.lang.get(),
        };
        // Rules too long for a link to share stay out of it: they are sent as a file.
        if matches!(link.rules, Some(LinkRules::Packed(_)))
            && link_length(&link) > crate::share::MAX_LINK_CHARS
        {
            link.rules = None;
        }
        link
    }

    pub(crate) fn link_untracked(&self) -> Link {
        leptos::prelude::untrack(|| self.link())
    }

    /// The rules in force packed would make a link longer than can be shared (its length).
    pub(crate) fn rules_too_long(&self) -> Option<usize> {
        let link = self.link();
        let packed = self.rules_packed.get()?;
        if link.rules.is_some() || self.rules.with(Option::is_none) {
            return None;
        }
        let whole = Link { rules: Some(LinkRules::Packed(packed)), ..link };
        Some(link_length(&whole)).filter(|n| *n > crate::share::MAX_LINK_CHARS)
    }

    /// Uses what a link says: the view and unit, the period, the rules, how tables are shown.
    /// `problems` (parts it could not use) are shown on the page.
    pub(crate) fn follow_link(&self, link: Link, problems: Vec<LinkProblem>) {
        if !problems.is_empty() {
            self.link_problems.update(|p| p.extend(problems.iter().map(ToString::to_string)));
        }
        if self.tables.with_untracked(|t| *t != link.tables) {
            self.tables.set(link.tables);
        }
        if self.lang.with_untracked(|l| *l != link.lang) {
            self.lang.set(link.lang);
        }
        // No period: the file's default month (a link keeps the period it was made with).
        let recount = self.period.with_untracked(|p| *p != link.period);
        if recount {
            self.period.set(link.period);
        }
        if self.report.with_untracked(Option::is_none) {
            self.wanted_period.set_value(link.period);
        }
        let current = self.link_untracked().rules;
        match link.rules {
            Some(LinkRules::Preset(id)) if current != Some(LinkRules::Preset(id.clone())) => {
                // The worker sends the preset's file (`FromWorker::Preset`).
                self.worker.with_value(|w| w.as_ref().map(|w| w.preset(&id)));
            }
            Some(LinkRules::Packed(packed)) if current != Some(LinkRules::Packed(packed.clone())) => {
                // The fragment keeps them while the worker unpacks them.
                self.pending_rules.set(Some(packed.clone()));
                self.worker.with_value(|w| w.as_ref().map(|w| w.unpack_rules(packed)));
            }
            // No rules named: those in force stay (a hand-typed `#view=…` keeps them).
            _ => {}
        }
        if recount {
            self.rebuild();
        }
        if self.route.with_untracked(|r| *r != link.route) {
            self.route.set(link.route.clone());
            self.follow_unit(&link.route);
        }
    }

    /// The address changed (the back or forward button, a typed or followed link): shows what
    /// its fragment says.
    pub(crate) fn follow_fragment(&self, fragment: &str) {
        let (link, problems) = Link::parse(fragment);
        if self.link_untracked() == link {
            return;
        }
        self.follow_link(link, problems);
    }

    /// Applies rule-file text: parsed and validated first; a refused file changes nothing.
    /// The page only checks; the worker words the problems (field paths are tracked there).
    pub(crate) fn apply_rules_text(&self, json: String, origin: RulesOrigin) {
        let Some(r) = RuleSet::parse_valid(&json) else {
            return self.worker.with_value(|w| w.as_ref().map(|w| w.explain_rules(json))).unwrap_or_default();
        };
        self.rule_errors.set(Vec::new());
        let r = match origin {
            RulesOrigin::Preset(id) => {
                self.rules_preset.set(Some(id.to_string()));
                self.rules_from_link.set(false);
                self.preset_base.set_value(Some(r.clone()));
                r
            }
            RulesOrigin::File => {
                self.rules_preset.set(None);
                self.rules_from_link.set(false);
                r
            }
            RulesOrigin::Edit => {
                let preset = self.rules_preset.get_untracked().and(self.preset_base.get_value());
                edited_name(preset.as_ref(), r)
            }
        };
        self.use_rules(Some(r));
    }

    /// Puts `rules` in force (or none): counts again when they change deadlines or indicator
    /// readings, else re-scores the tallies.
    pub(crate) fn use_rules(&self, rules: Option<RuleSet>) {
        let before = self.report_options();
        self.rules.set(rules);
        let after = self.report_options();
        if before.deadlines != after.deadlines || before.indicators != after.indicators {
            self.rebuild();
        } else {
            self.rescore();
        }
    }

    /// Opens the unit `route` names in its view, when it is not the one open there: in
    /// 本单位自查 the unit of the link, else the one remembered on this device.
    pub(crate) fn follow_unit(&self, route: &Route) {
        if self.report.with_untracked(|r| r.is_none()) {
            return;
        }
        if route.view == ViewId::Audit {
            let open = self.audit_unit.with_untracked(|u| u.as_ref().map(|u| u.1.clone()));
            let unit = route.unit.clone().or_else(|| open.clone()).or_else(|| load::saved_setting(MY_UNIT));
            if let Some(unit) = unit.filter(|u| open.as_ref() != Some(u)) {
                self.open_unit_named(&unit);
            }
            return;
        }
        let open = self.shortfall_query.with_untracked(|q| q.as_ref().map(|q| q.name.clone()));
        match &route.unit {
            // The unit travels with every view's link; only the 单位 view opens its lists.
            Some(unit) if route.view == ViewId::Units && open.as_deref() != Some(unit.as_str()) => {
                self.open_unit_named(unit)
            }
            None if open.is_some() => self.clear_shortfalls(),
            _ => {}
        }
    }

    /// Opens a unit found by name (the search, a link): its 承办单位 row if it has one, else its
    /// member unit's, over all its tickets; its self-audit in 本单位自查, else its 扣分工单.
    pub(crate) fn open_unit_named(&self, query: &str) {
        let view = self.route.with_untracked(|r| r.view);
        let first = match view {
            ViewId::Audit => {
                self.rules.with_untracked(|r| r.as_ref().map_or(EntityLevel::Member, |r| r.level))
            }
            _ => EntityLevel::Unit,
        };
        let found =
            self.report.with_untracked(|r| r.as_ref().and_then(|r| crate::model::find_unit(r, query, first)));
        match found {
            Some((level, name)) => {
                self.search_message.set(String::new());
                match view {
                    ViewId::Audit => self.open_audit(level, name),
                    _ => self.open_unit(level, name, Scope::All),
                }
            }
            None => self.search_message.set(format!("没有名称含“{}”的单位", query.trim())),
        }
    }

    /// Opens one unit's 扣分工单 in the 单位 view, scrolled into view with the focus on its title,
    /// so that a keyboard or screen-reader user lands on what opened.
    pub(crate) fn open_unit(&self, level: EntityLevel, name: String, scope: Scope) {
        let Some(period) =
            self.report.with_untracked(|r| r.as_ref().and_then(|r| r.period.as_ref().map(|p| p.period)))
        else {
            return;
        };
        self.navigate(Route { view: ViewId::Units, unit: Some(name.clone()) });
        let query = ShortfallQuery { level, name, scope, period };
        if self.shortfall_query.with_untracked(|q| q.as_ref() != Some(&query)) {
            self.ask_shortfalls(query);
        }
        request_animation_frame(|| {
            let title = document().get_element_by_id("shortfalls-title");
            if let Some(title) =
                title.and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            {
                title.scroll_into_view();
                let _ = title.focus();
            }
        });
    }

    pub(crate) fn cancel(&self) {
        self.worker.with_value(|w| w.as_ref().map(|w| w.cancel()));
    }

    /// Starts reading a file: the worker checks its header first (a file in another layout comes
    /// back as [`FileError::Header`] for the mapping step) and reads it. `note` is shown beside
    /// the file's name.
    pub(crate) fn open(self, name: String, blob: Blob, mapping: Option<Mapping>, note: String) {
        self.pending.set_value(Some((blob.clone(), mapping.clone())));
        self.combined.set(Vec::new());
        spawn_local(async move {
            let head = match browser::read_range(&blob, 0.0, blob.size().min(16.0)).await {
                Ok(h) => h,
                Err(e) => return self.stage.set(Stage::Failed(e.message())),
            };
            // A partial-aggregates file (a per-unit counts table, docs/partials.md): no header
            // step, the worker reads it whole.
            let partial = hotline_engine::partial::is_partial_file(&head);
            let (ingest, note) = if partial {
                (IngestOptions::default(), "部分汇总文件：按各单位计数评分，不含工单明细".to_string())
            } else {
                (IngestOptions { mapping, size_hint: Some(blob.size() as u64), ..Default::default() }, note)
            };
            self.stage.set(Stage::Reading { name: name.clone(), progress: Progress::default() });
            self.loading.set_value((name, note, browser::now_ms()));
            // A new file opens on its default month, or on the period a link asked for.
            self.period.set(self.wanted_period.get_value());
            self.wanted_period.set_value(None);
            let report = self.report_options();
            self.worker.with_value(|w| w.as_ref().map(|w| w.load(&blob, ingest, report)));
        });
    }

    /// Reads several exports together, in the order given (oldest first: a ticket in two files
    /// counts once, as the later file has it), as the CLI combines them.
    pub(crate) fn open_many(self, files: Vec<(String, Blob)>) {
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        let blobs: Vec<Blob> = files.into_iter().map(|(_, b)| b).collect();
        let name = names.join(" + ");
        self.pending.set_value(None);
        self.combined.set(Vec::new());
        self.stage.set(Stage::Reading { name: name.clone(), progress: Progress::default() });
        self.loading.set_value((name, format!("{} 个文件合并统计", blobs.len()), browser::now_ms()));
        self.period.set(self.wanted_period.get_value());
        self.wanted_period.set_value(None);
        let report = self.report_options();
        self.worker.with_value(|w| w.as_ref().map(|w| w.load_many(&blobs, report)));
    }

    /// Leaves the mapping step without reading the file: what was shown before stays.
    pub(crate) fn cancel_mapping(&self) {
        self.pending.set_value(None);
        let had = self.report.with_untracked(|r| r.is_some());
        self.stage.set(if had { Stage::Ready } else { Stage::Idle });
    }

    /// The file's header is not usable as it was read: a mapping saved for the same header is
    /// used at once, else the user confirms one (starting from the one that failed, if any).
    pub(crate) fn header_refused(&self, headers: Vec<String>) {
        let name = self.loading.with_value(|l| l.0.clone());
        let Some((blob, tried)) = self.pending.get_value() else { return };
        if let Some(tried) = tried {
            let note = "所选映射仍缺少必需的列，请补全。".into();
            return self.stage.set(Stage::Mapping { name, headers, draft: tried, note });
        }
        let key = Mapping::header_key(&headers);
        let saved = load::saved_mapping(&key).and_then(|j| Mapping::from_json_valid(&j));
        match saved.filter(|m| m.resolve(&headers).is_usable()) {
            Some(m) => self.open(name, blob, Some(m), "已自动使用此前为相同表头保存的列映射。".into()),
            None => {
                let draft = Mapping::guess(&headers);
                let note = "表头与标准格式不同：请确认各列的对应关系。".into();
                self.stage.set(Stage::Mapping { name, headers, draft, note });
            }
        }
    }
}

/// How long the address of `link` is: the page's address without its fragment, `#`, fragment.
fn link_length(link: &Link) -> usize {
    let href = history::href();
    let base = href.split('#').next().unwrap_or_default();
    base.chars().count() + 1 + link.to_fragment().len()
}
