//! The narrative: preamble, the five topics of section 一, the short texts of
//! sections 二 to 六, and the signature, in the register of the samples. Place
//! names appear only where the plan asks for region evidence; the rest speaks
//! of `我县` / `全县` / `我局` so the resolver has exactly the evidence planned.

use super::doc::Part;
use crate::rng::Rng;

/// What the prose may mention.
#[derive(Debug, Clone, Default)]
pub struct ProseCtx {
    /// Year covered.
    pub year: i32,
    /// The body's full name.
    pub body: String,
    /// `我县`, `我局`.
    pub we: String,
    /// `全县`, `本系统`.
    pub whole: String,
    /// A sentence naming the province or city (region evidence), if planned.
    pub evidence: Option<String>,
    /// A contact sentence (address, postcode, telephone), if planned.
    pub contact: Option<String>,
    /// Total applications received (for the text of section 三).
    pub applications: i64,
    /// Review and litigation cases (for the text of section 四).
    pub cases: (i64, i64),
    /// Cite the 2021 format's notice (国办公开办函〔2021〕30号) rather than 2019's.
    pub cite_2021: bool,
}

fn fill(rng: &mut Rng, ctx: &ProseCtx, template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len() - 1);
        let key = &rest[start + 1..end];
        match key {
            "year" => out.push_str(&ctx.year.to_string()),
            "next" => out.push_str(&(ctx.year + 1).to_string()),
            "we" => out.push_str(&ctx.we),
            "whole" => out.push_str(&ctx.whole),
            "body" => out.push_str(&ctx.body),
            "n" => out.push_str(&rng.count(0.0, 20_000).to_string()),
            "k" => out.push_str(&rng.range(1, 60).to_string()),
            "small" => out.push_str(&rng.range(1, 9).to_string()),
            "apps" => out.push_str(&ctx.applications.to_string()),
            "reviews" => out.push_str(&ctx.cases.0.to_string()),
            "suits" => out.push_str(&ctx.cases.1.to_string()),
            other => out.push_str(other),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn paragraph(rng: &mut Rng, ctx: &ProseCtx, bank: &[&str], min: usize, max: usize) -> String {
    let n = rng.range(min as i64, max.min(bank.len()) as i64) as usize;
    let mut idx: Vec<usize> = (0..bank.len()).collect();
    // Partial Fisher-Yates: n distinct sentences in bank order.
    for i in 0..n {
        let j = i + rng.below((idx.len() - i) as u64) as usize;
        idx.swap(i, j);
    }
    let mut chosen = idx[..n].to_vec();
    chosen.sort_unstable();
    chosen.iter().map(|&i| fill(rng, ctx, bank[i])).collect()
}

const ACTIVE: &[&str] = &[
    "{year}年，{we}通过门户网站、政务新媒体、政府公报等渠道主动公开政府信息{n}条，其中政策文件{k}条，政策解读{small}篇。",
    "坚持“公开为常态、不公开为例外”原则，围绕重点领域信息公开，及时发布财政预决算、重大建设项目、公共资源配置、社会公益事业等信息。",
    "全年发布政策解读材料{k}篇，通过图文、视频、问答等多种形式解读重要政策，提升政策知晓度。",
    "加强行政执法信息公开，及时公开行政许可、行政处罚结果信息，做到应公开尽公开。",
    "持续做好人大代表建议和政协提案办理结果公开工作，全年公开建议提案办理复文{k}件。",
    "及时回应社会关切，围绕群众关心关注的就业、教育、医疗、养老等热点问题，主动发布权威信息。",
    "围绕优化营商环境，及时公开行政审批、市场监管、惠企政策等信息，全年发布涉企政策文件{k}件，开展政策解读{small}次。",
    "聚焦群众关切，主动公开教育、医疗、社保、就业、住房保障等民生领域信息{n}条，确保群众及时准确了解政策内容。",
    "规范财政信息公开，按要求在门户网站集中公开部门预算、决算及“三公”经费情况，做到应公开尽公开。",
    "依托政务新媒体平台，通过图解、短视频、问答等形式发布信息{n}条，不断扩大信息传播覆盖面。",
];

const REQUESTS: &[&str] = &[
    "{year}年，{we}共收到政府信息公开申请{apps}件，均在法定期限内予以答复。",
    "进一步规范依申请公开办理流程，严格落实登记、审核、办理、答复、归档等环节要求，确保答复内容准确、程序合法、形式规范。",
    "畅通当面、信函、网络等申请渠道，及时更新政府信息公开指南，方便申请人依法提出申请。",
    "加强与申请人的沟通，对申请内容不明确的及时告知补正，切实保障申请人合法权益。",
    "严格按照《条例》规定的时限和程序办理，对申请内容进行认真审查，依法作出答复，并告知申请人救济途径。",
    "建立依申请公开办理台账，实行专人负责、分类办理，确保每一件申请都有登记、有审核、有答复、有归档。",
    "针对申请量较多的领域，及时梳理研判申请内容，对多次被申请的政府信息，依法转为主动公开。",
];

const MANAGEMENT: &[&str] = &[
    "严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件。",
    "动态调整主动公开基本目录，规范政府信息公开属性源头认定工作，做好公文公开属性标注。",
    "开展规范性文件清理工作，及时公布现行有效规范性文件目录。",
    "建立健全信息发布审核机制，严把政治关、法律关、政策关、保密关、文字关。",
    "严格执行政府信息发布“三审三校”制度，明确信息发布的审核主体和审核程序，确保发布信息内容准确、格式规范。",
    "加强政府信息公开工作人员保密教育，定期开展保密自查，及时发现和纠正问题。",
    "健全政策文件解读机制，坚持政策文件与解读方案、解读材料同步组织、同步审签、同步部署。",
];

const PLATFORM: &[&str] = &[
    "加强门户网站和政务新媒体建设管理，落实内容保障责任，确保信息发布及时准确。",
    "优化政府信息公开专栏栏目设置，完善法定主动公开内容，提升专栏的规范化、标准化水平。",
    "依托政务服务大厅设立政府信息公开查阅点，为公众提供信息查询服务。",
    "整合关停更新不及时、无力维护的政务新媒体账号，集约化水平进一步提升。",
    "按照政府网站集约化建设要求，持续优化网站栏目设置，规范栏目名称和内容，提升网站信息检索和服务功能。",
    "加强政务新媒体日常监管，建立常态化巡查机制，按季度开展检查，及时整改发现的问题。",
    "完善政府公报编发工作，做好政府公报电子版的发布和存档，方便公众查阅。",
];

const OVERSIGHT: &[&str] = &[
    "将政务公开工作纳入年度绩效考核，定期通报工作进展，推动各项任务落实落细。",
    "组织开展政务公开业务培训{small}次，参训人员{k}人次，进一步提升工作人员业务能力。",
    "全年未发生因政府信息公开工作引发的责任追究情况。",
    "主动接受社会监督，认真对待群众意见建议，及时回应社会关切。",
    "建立政府信息公开工作考核、社会评议和责任追究制度，将考核结果纳入年度目标管理考核体系。",
    "聘请社会监督员对政府信息公开工作进行评议，广泛听取意见建议，及时改进工作。",
    "定期对门户网站和政务新媒体开展自查，对发现的错链、空白栏目等问题立行立改。",
];

const PROBLEMS: &[&str] = &[
    "{year}年，{we}政府信息公开工作取得了一定成效，但仍存在一些不足：一是政策解读形式较为单一，解读质量有待提升；二是依申请公开办理的规范化水平还需进一步提高；三是工作人员业务能力有待加强。",
    "针对上述问题，下一步将重点做好以下工作：一是丰富政策解读形式，提高解读的针对性和可读性；二是规范依申请公开办理流程，提升答复质量；三是加强业务培训，打造专业化工作队伍。",
    "对照上级要求，仍存在一定差距，如主动公开的深度和广度还有待拓展，政务新媒体互动性不强等。",
    "{next}年，{we}将继续深入贯彻落实《中华人民共和国政府信息公开条例》，不断提升政务公开工作质效。",
    "二是在政策解读上下功夫。坚持政策文件与解读材料同步起草、同步审签、同步发布，丰富解读形式，提升解读实效。",
    "三是在队伍建设上下功夫。加强对政府信息公开工作人员的业务培训，提升依法公开、规范答复的能力和水平。",
];

const OVERVIEW_2008: &[&str] = &[
    "{year}年，{we}认真贯彻落实《中华人民共和国政府信息公开条例》，按照上级关于政府信息公开工作的部署要求，加强组织领导，完善工作机制，政府信息公开工作有序推进。",
    "成立了政府信息公开工作领导小组，明确分管领导和专职工作人员，形成了主要领导亲自抓、分管领导具体抓、工作人员抓落实的工作格局。",
    "制定完善了政府信息公开保密审查、依申请公开、考核评议和责任追究等制度。",
    "编制并及时更新政府信息公开指南和目录，方便公众查阅。",
    "按照“以公开为原则、不公开为例外”的要求，进一步规范政府信息公开工作程序，提高政府工作透明度。",
    "加强政府信息公开工作人员培训，组织学习《中华人民共和国政府信息公开条例》及相关规定，提高依法公开意识。",
];

const ACTIVE_2008: &[&str] = &[
    "{year}年，{we}共主动公开政府信息{n}条，其中通过门户网站公开{n}条，通过政府公报公开{k}条，通过其他方式公开{k}条。",
    "公开内容主要包括机构职能、政策法规、规划计划、财政预决算、人事信息、行政审批事项等。",
    "在政务服务中心、档案馆、图书馆设立政府信息查阅点，方便群众就近查阅。",
    "重点公开财政预决算、重大项目建设、征地拆迁、保障性住房、食品药品安全、环境保护等社会关注度高的信息。",
    "坚持政府常务会议、重要会议信息及时公开，对涉及群众切身利益的重要事项，广泛征求社会意见。",
];

const REQUESTS_2008: &[&str] = &[
    "{year}年，{we}共受理政府信息公开申请{apps}件，已全部按时答复。",
    "申请内容主要涉及征地拆迁、社会保障、规划建设等方面。",
    "对不属于本机关公开范围的申请，及时告知申请人向有关机关申请。",
    "进一步完善依申请公开受理、审查、处理、答复等环节的工作流程，确保依申请公开工作规范有序。",
    "在办理过程中，严格依法审查申请内容，对属于公开范围的及时提供，对不属于公开范围的告知理由。",
];

/// Section 一 of a 2019+ report: the five topics, as sub-headings with paragraphs.
pub fn overview(rng: &mut Rng, ctx: &ProseCtx, inline: bool) -> Vec<Part> {
    let topics: [(&str, &[&str]); 5] = [
        ("（一）主动公开情况", ACTIVE),
        ("（二）依申请公开情况", REQUESTS),
        ("（三）政府信息管理情况", MANAGEMENT),
        ("（四）政府信息公开平台建设情况", PLATFORM),
        ("（五）监督保障情况", OVERSIGHT),
    ];
    let mut parts = Vec::new();
    if rng.chance(0.6) {
        parts.push(Part::Para(fill(
            rng,
            ctx,
            "{year}年，{we}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作，不断提升政务公开质量和实效。",
        )));
    }
    for (head, bank) in topics {
        let text = paragraph(rng, ctx, bank, 2, 6);
        if inline {
            parts.push(Part::Para(format!("{head}。{text}")));
        } else {
            parts.push(Part::SubHeading(head.to_string()));
            parts.push(Part::Para(text));
        }
        if rng.chance(0.6) {
            parts.push(Part::Para(paragraph(rng, ctx, bank, 2, 5)));
        }
    }
    parts
}

/// The opening paragraph (with the planned evidence and contact sentences).
pub fn preamble(rng: &mut Rng, ctx: &ProseCtx, old: bool) -> Vec<Part> {
    let notice = if ctx.cite_2021 {
        "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
    } else {
        "《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）"
    };
    let mut text = if old {
        fill(
            rng,
            ctx,
            "本报告根据《中华人民共和国政府信息公开条例》要求，由{body}编制。全文包括概述，主动公开政府信息情况，依申请公开政府信息情况，政府信息公开的收费及减免情况，因政府信息公开申请行政复议、提起行政诉讼的情况，政府信息公开工作存在的主要问题及改进情况，其他需要报告的事项。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        )
    } else {
        match rng.below(3) {
            0 => format!(
                "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{notice}要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告中所列数据的统计期限自{}年1月1日起至{}年12月31日止。",
                ctx.year, ctx.year
            ),
            1 => format!(
                "根据修订后的《中华人民共和国政府信息公开条例》和{notice}相关要求，结合工作实际编制本报告。本报告中所列数据统计期限为{}年1月1日至12月31日。现将年度工作报告如下：",
                ctx.year
            ),
            _ => format!(
                "依据《中华人民共和国政府信息公开条例》第五十条之规定，现就{}{}年政府信息公开工作年度情况报告如下。本年度报告中所列数据的统计期限自{}年1月1日起至{}年12月31日止。",
                ctx.body, ctx.year, ctx.year, ctx.year
            ),
        }
    };
    if let Some(e) = &ctx.evidence {
        text.push_str(e);
    }
    if let Some(c) = &ctx.contact {
        text.push_str(c);
    }
    vec![Part::Para(text)]
}

/// Text under a 2019+ section heading before its table, sometimes none.
pub fn section_intro(rng: &mut Rng, ctx: &ProseCtx, section: u8) -> Option<Part> {
    if !rng.chance(0.6) {
        return None;
    }
    let text = match section {
        2 => fill(rng, ctx, "按照“谁制作、谁公开，谁保存、谁公开”的原则，做好信息审查和发布工作，保证信息发布及时、准确、规范、完整。"),
        3 => paragraph(rng, ctx, REQUESTS, 1, 2),
        _ if ctx.cases == (0, 0) => fill(rng, ctx, "{year}年，{we}未发生因政府信息公开引发的行政复议和行政诉讼案件。"),
        _ => fill(rng, ctx, "{year}年，{we}因政府信息公开被申请行政复议{reviews}件，被提起行政诉讼{suits}件。"),
    };
    Some(Part::Para(text))
}

/// Section 五's text.
pub fn problems(rng: &mut Rng, ctx: &ProseCtx) -> Vec<Part> {
    vec![Part::Para(paragraph(rng, ctx, PROBLEMS, 2, 5))]
}

/// Section 六's text.
pub fn other_matters(rng: &mut Rng, ctx: &ProseCtx) -> Vec<Part> {
    if ctx.year >= 2021 && rng.chance(0.5) {
        return vec![
            Part::Para(fill(rng, ctx, "（一）落实上级年度政务公开工作要点情况。{year}年，{we}按照上级政务公开工作要点要求，逐项细化任务分工，明确责任单位和完成时限，各项任务均按期完成。")),
            Part::Para(fill(rng, ctx, "（二）人大代表建议和政协提案办理结果公开情况。{year}年，{we}共承办人大代表建议{k}件、政协提案{k}件，均已按期办结，办理复文全部按要求公开。")),
            Part::Para(fill(rng, ctx, "（三）收取信息处理费情况。{year}年，{we}未收取政府信息公开信息处理费。")),
        ];
    }
    let text = if ctx.year >= 2021 {
        match rng.below(3) {
            0 => "本年度未收取政府信息公开信息处理费。".to_string(),
            1 => fill(rng, ctx, "{year}年，{we}严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费0元。"),
            _ => "无其他需要报告的事项。".to_string(),
        }
    } else if rng.chance(0.5) {
        "无。".to_string()
    } else {
        "无其他需要报告的事项。".to_string()
    };
    vec![Part::Para(text)]
}

/// The body of a report for 2008–2018 (sections and paragraphs; the caller adds the local table).
pub fn old_sections(rng: &mut Rng, ctx: &ProseCtx) -> Vec<(String, Vec<Part>)> {
    vec![
        (
            "一、概述".into(),
            vec![Part::Para(paragraph(rng, ctx, OVERVIEW_2008, 3, 6))],
        ),
        (
            "二、主动公开政府信息的情况".into(),
            vec![Part::Para(paragraph(rng, ctx, ACTIVE_2008, 2, 5))],
        ),
        (
            "三、依申请公开政府信息的情况".into(),
            vec![Part::Para(paragraph(rng, ctx, REQUESTS_2008, 2, 5))],
        ),
        (
            "四、政府信息公开的收费及减免情况".into(),
            vec![Part::Para(fill(
                rng,
                ctx,
                "{year}年，{we}未收取任何政府信息公开费用，也未有减免情况。",
            ))],
        ),
        (
            "五、因政府信息公开申请行政复议、提起行政诉讼的情况".into(),
            vec![Part::Para(fill(
                rng,
                ctx,
                "{year}年，{we}未发生因政府信息公开申请行政复议、提起行政诉讼的情况。",
            ))],
        ),
        (
            "六、政府信息公开工作存在的主要问题及改进情况".into(),
            problems(rng, ctx),
        ),
        (
            "七、其他需要报告的事项".into(),
            vec![Part::Para("无。".into())],
        ),
    ]
}

/// The signature: the body and a date early in the next year.
pub fn signature(rng: &mut Rng, ctx: &ProseCtx) -> Part {
    Part::Signature(vec![
        ctx.body.clone(),
        format!(
            "{}年{}月{}日",
            ctx.year + 1,
            rng.range(1, 3),
            rng.range(1, 28)
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let ctx = ProseCtx {
            year: 2020,
            body: "临泽县人民政府办公室".into(),
            we: "我县".into(),
            whole: "全县".into(),
            applications: 3,
            ..Default::default()
        };
        let mut rng = Rng::new(1);
        for _ in 0..50 {
            for part in overview(&mut rng, &ctx, false)
                .into_iter()
                .chain(preamble(&mut rng, &ctx, false))
                .chain(problems(&mut rng, &ctx))
            {
                if let Part::Para(t) = part {
                    assert!(!t.contains('{') && !t.contains('}'), "{t}");
                }
            }
        }
    }
}
