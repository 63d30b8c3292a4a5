"""Deterministic synthetic talents and jobs in Chinese, built from the taxonomies (benchmarks, tests, demo data).

Each document belongs to one of a few career domains (software, chips, machinery, pharma, …) that tie majors,
occupations, industries, skills and wording together, so documents of one domain share words and codes. Noise
keeps plain keyword matching imperfect: synonyms and abbreviations for skills (some known to the tokenizer's
skills list, some not), career changers whose desired occupation lies outside their major's domain, generic
boilerplate, short résumés, missing salaries and skills, and a little HTML, emoji and full-width text.

``generate_talents(n, seed, taxonomies)`` and ``generate_jobs(n, seed, taxonomies)`` give the same documents for
the same arguments; ids run from ``first_id``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from .documents import JobDoc, TalentDoc
from .taxonomy import Taxonomies


@dataclass(frozen=True, slots=True)
class Domain:
    name: str
    field: str  # how a résumé names the field: "软件开发"
    majors: tuple[str, ...]  # major codes (class 4 digits: every major under it; or a major's 6 digits)
    occupations: tuple[str, ...]
    industries: tuple[str, ...]
    skills: tuple[str, ...]
    titles: tuple[str, ...]
    duties: tuple[str, ...]


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "software",
        "软件开发",
        ("0809", "070102", "080717"),
        ("2-02-10-03", "2-02-10-05", "4-04-05-01", "4-04-05-02", "2-02-38-04"),
        ("6513", "6511", "6512", "64", "6531"),
        (
            "python",
            "java",
            "go语言",
            "c++",
            "javascript",
            "mysql",
            "redis",
            "linux",
            "docker",
            "kubernetes",
            "spring boot",
            "微服务",
            "分布式系统",
            "vue",
            "react",
            "软件测试",
            "自动化测试",
            "git",
            "数据结构",
            "算法设计",
            "kafka",
            "restful",
        ),
        (
            "Java开发工程师",
            "Python开发工程师",
            "后端开发工程师",
            "前端开发工程师",
            "全栈工程师",
            "软件测试工程师",
            "测试开发工程师",
            "运维开发工程师",
            "Go开发工程师",
            "软件工程师",
        ),
        (
            "负责后端服务的设计、开发与维护",
            "参与系统架构设计和技术选型",
            "负责核心业务模块的编码和单元测试",
            "优化系统性能，保障服务高可用",
            "编写技术文档，参与代码评审",
            "负责前端页面开发与交互实现",
            "设计并执行测试用例，跟踪缺陷",
            "搭建持续集成与自动化部署流程",
        ),
    ),
    Domain(
        "data_ai",
        "人工智能与数据",
        ("080910", "080717", "071201", "071202", "070101", "080907"),
        ("2-02-38-01", "2-02-38-03", "2-02-30-09", "4-07-02-05", "4-04-05-05"),
        ("6513", "6450", "6550", "7320"),
        (
            "python",
            "机器学习",
            "深度学习",
            "pytorch",
            "tensorflow",
            "自然语言处理",
            "计算机视觉",
            "数据挖掘",
            "数据分析",
            "spark",
            "hive",
            "sql",
            "特征工程",
            "推荐系统",
            "大模型",
            "统计建模",
            "数据可视化",
            "pandas",
        ),
        (
            "算法工程师",
            "机器学习工程师",
            "数据分析师",
            "大数据开发工程师",
            "数据挖掘工程师",
            "NLP算法工程师",
            "计算机视觉工程师",
            "数据科学家",
            "商业数据分析师",
        ),
        (
            "负责推荐、搜索等业务的算法研发",
            "构建用户画像与特征体系",
            "训练和优化深度学习模型",
            "负责数据仓库建设与ETL开发",
            "开展业务数据分析，输出分析报告",
            "跟踪前沿算法并推动落地",
            "负责大模型微调与应用开发",
            "搭建数据指标体系和可视化看板",
        ),
    ),
    Domain(
        "chips",
        "集成电路与电子",
        ("0807", "080909"),
        ("2-02-38-09", "2-02-09-02", "2-02-10-06", "2-02-10-02", "6-25-02-05"),
        ("3973", "3972", "3982", "3976", "6520"),
        (
            "数字电路",
            "模拟电路",
            "fpga",
            "verilog",
            "集成电路设计",
            "芯片验证",
            "版图设计",
            "eda",
            "cadence",
            "嵌入式开发",
            "单片机",
            "stm32",
            "pcb设计",
            "硬件设计",
            "c语言",
            "信号处理",
            "射频",
        ),
        (
            "数字IC设计工程师",
            "模拟IC设计工程师",
            "芯片验证工程师",
            "FPGA工程师",
            "嵌入式软件工程师",
            "硬件工程师",
            "版图工程师",
            "射频工程师",
        ),
        (
            "负责芯片模块的RTL设计与综合",
            "搭建验证平台并完成模块级验证",
            "负责模拟电路的设计与仿真",
            "负责嵌入式软件和驱动开发",
            "完成原理图和PCB设计",
            "参与芯片流片与测试",
            "负责硬件调试与问题分析",
        ),
    ),
    Domain(
        "machinery",
        "机械与智能制造",
        ("0802", "0808", "080411"),
        ("2-02-07-01", "2-02-07-02", "2-02-07-07", "2-02-38-05", "2-02-38-10", "6-31-07-01"),
        ("34", "35", "40", "4011", "36"),
        (
            "机械设计",
            "autocad",
            "solidworks",
            "有限元分析",
            "ansys",
            "plc编程",
            "工业机器人",
            "自动化控制",
            "非标设计",
            "机器视觉",
            "数控加工",
            "精益生产",
            "公差分析",
            "模具设计",
            "运动控制",
            "智能制造",
        ),
        (
            "机械设计工程师",
            "结构工程师",
            "自动化工程师",
            "电气工程师",
            "工艺工程师",
            "机器人应用工程师",
            "设备工程师",
            "非标设备设计师",
        ),
        (
            "负责非标自动化设备的机械结构设计",
            "完成零部件选型与图纸输出",
            "负责PLC程序编写与设备调试",
            "开展结构强度校核和仿真分析",
            "负责生产工艺改进与降本",
            "负责工业机器人工作站集成调试",
            "跟进设备装配与现场问题处理",
        ),
    ),
    Domain(
        "pharma",
        "医药研发",
        ("1007", "0830", "071001", "071002", "081302"),
        ("2-05-06-01", "2-02-06-01", "2-01-08-00", "6-12-05-01", "2-06-07-07"),
        ("2710", "2720", "2761", "2762", "7340"),
        (
            "临床试验",
            "药物分析",
            "药物制剂",
            "gmp",
            "hplc",
            "质谱分析",
            "细胞培养",
            "分子生物学",
            "pcr",
            "药品注册",
            "质量控制",
            "验证管理",
            "生物制药",
            "有机合成",
            "抗体药物",
            "发酵工艺",
        ),
        (
            "药物研发工程师",
            "临床研究员",
            "临床监查员",
            "QC分析员",
            "制剂研究员",
            "注册专员",
            "生物工艺工程师",
            "质量保证专员",
            "医药代表",
        ),
        (
            "负责药物制剂处方与工艺开发",
            "开展临床试验项目的监查与管理",
            "负责样品检测与方法学验证",
            "撰写注册申报资料",
            "负责细胞株构建和工艺放大",
            "执行GMP质量体系文件管理",
            "负责区域医院的学术推广",
        ),
    ),
    Domain(
        "clinical",
        "临床医疗",
        ("1002", "1011", "1010", "1005"),
        ("2-05-01-01", "2-05-01-02", "2-05-08-01", "2-05-08-04", "2-05-07-04", "2-05-01-15"),
        ("8411", "8412", "8415", "84"),
        (
            "临床诊疗",
            "内科诊疗",
            "外科手术",
            "急诊急救",
            "护理",
            "临床护理",
            "医学影像",
            "医学检验",
            "重症监护",
            "康复治疗",
            "病理诊断",
            "公共卫生",
            "健康管理",
        ),
        ("内科医生", "外科医生", "护士", "护士长", "检验技师", "影像科医生", "康复治疗师", "全科医生"),
        (
            "负责门诊及病房患者的诊疗工作",
            "完成病历书写与查房",
            "执行护理操作与健康宣教",
            "负责临床标本检验与报告审核",
            "参与危重患者抢救",
            "负责影像检查与诊断报告",
        ),
    ),
    Domain(
        "finance",
        "财务金融",
        ("120203", "120204", "120207", "0203", "020202"),
        ("2-06-03-00", "2-06-04-00", "2-06-09-04", "2-06-11-03", "4-05-01-02", "2-06-05-00"),
        ("66", "67", "68", "69", "72"),
        (
            "会计",
            "财务分析",
            "财务报表",
            "成本核算",
            "预算管理",
            "税务筹划",
            "审计",
            "内部控制",
            "excel",
            "用友",
            "金蝶",
            "cpa",
            "投资分析",
            "风险控制",
            "信贷审批",
            "金融建模",
        ),
        (
            "会计",
            "财务主管",
            "审计专员",
            "税务会计",
            "财务分析师",
            "成本会计",
            "投资分析师",
            "风控专员",
            "信贷经理",
            "出纳",
        ),
        (
            "负责公司日常账务处理与凭证审核",
            "编制月度、年度财务报表",
            "开展财务分析并提出经营建议",
            "负责税务申报与税务筹划",
            "执行内部审计项目",
            "负责预算编制与成本控制",
            "开展信贷审查与风险评估",
        ),
    ),
    Domain(
        "construction",
        "土木建筑",
        ("0810", "0828"),
        ("2-02-18-01", "2-02-18-02", "2-02-30-10", "2-02-30-07", "2-02-18-08"),
        ("47", "48", "50", "74"),
        (
            "autocad",
            "bim",
            "revit",
            "结构设计",
            "施工管理",
            "工程造价",
            "广联达",
            "pkpm",
            "建筑设计",
            "工程监理",
            "施工图设计",
            "岩土工程",
            "给排水设计",
        ),
        (
            "结构设计师",
            "建筑设计师",
            "造价工程师",
            "施工员",
            "土建工程师",
            "项目经理",
            "监理工程师",
            "BIM工程师",
        ),
        (
            "负责建筑结构计算与施工图设计",
            "负责工程量计算与预结算编制",
            "负责施工现场的进度、质量和安全管理",
            "完成BIM模型搭建与碰撞检查",
            "组织图纸会审与技术交底",
            "负责工程监理与验收",
        ),
    ),
    Domain(
        "marketing",
        "市场营销与电商",
        ("120202", "1208", "0503", "120801"),
        ("2-06-07-02", "4-01-06-01", "4-01-06-02", "4-01-02-01", "2-06-07-04"),
        ("52", "51", "64", "72"),
        (
            "市场营销",
            "新媒体运营",
            "内容运营",
            "用户运营",
            "电商运营",
            "直播带货",
            "短视频运营",
            "品牌策划",
            "活动策划",
            "seo",
            "sem",
            "数据分析",
            "文案写作",
            "社群运营",
        ),
        ("市场专员", "新媒体运营", "电商运营", "品牌经理", "直播运营", "内容运营", "市场经理", "用户运营"),
        (
            "负责公众号与短视频平台的内容策划",
            "策划并执行线上线下营销活动",
            "负责店铺日常运营和商品上架",
            "分析投放数据并优化转化",
            "维护品牌形象与媒体关系",
            "负责直播间运营与主播对接",
        ),
    ),
    Domain(
        "hr_admin",
        "人力资源与行政",
        ("120206", "1204", "120211"),
        ("2-06-08-01", "2-06-08-02", "3-01-02-02", "3-01-02-08"),
        ("72", "71"),
        (
            "招聘",
            "薪酬管理",
            "绩效管理",
            "员工关系",
            "培训管理",
            "劳动法",
            "社保公积金",
            "行政管理",
            "公文写作",
            "档案管理",
            "office",
            "组织发展",
        ),
        ("招聘专员", "HRBP", "人事专员", "薪酬绩效专员", "行政专员", "培训专员", "人力资源经理", "行政主管"),
        (
            "负责招聘渠道维护和简历筛选",
            "组织面试并跟进录用流程",
            "负责薪酬核算与绩效考核",
            "办理员工入离职和社保手续",
            "负责公司行政事务与会议组织",
            "制定并实施年度培训计划",
        ),
    ),
    Domain(
        "design",
        "设计",
        ("1305", "1304", "080205"),
        ("2-09-06-01", "2-09-06-03", "2-02-34-02", "2-09-06-07", "2-09-06-04"),
        ("74", "6513", "86"),
        (
            "ui设计",
            "交互设计",
            "视觉设计",
            "平面设计",
            "photoshop",
            "illustrator",
            "figma",
            "c4d",
            "工业设计",
            "blender",
            "视频剪辑",
            "after effects",
            "室内设计",
            "包装设计",
        ),
        (
            "UI设计师",
            "交互设计师",
            "视觉设计师",
            "平面设计师",
            "工业设计师",
            "动效设计师",
            "室内设计师",
            "美工",
        ),
        (
            "负责App和网页的界面设计",
            "输出交互原型与设计规范",
            "负责品牌视觉与物料设计",
            "完成产品外观与结构造型设计",
            "负责电商详情页和海报设计",
            "制作动效与短视频包装",
        ),
    ),
    Domain(
        "chemistry",
        "化工材料",
        ("0813", "0804", "0703"),
        ("2-02-06-01", "2-02-06-02", "2-02-06-03", "2-02-29-03", "6-31-03-01"),
        ("26", "29", "30", "3985"),
        (
            "化工工艺",
            "化学分析",
            "材料表征",
            "高分子材料",
            "复合材料",
            "涂料配方",
            "工艺优化",
            "安全生产",
            "质量管理",
            "hplc",
            "气相色谱",
        ),
        (
            "化工工艺工程师",
            "材料研发工程师",
            "配方工程师",
            "质量工程师",
            "化学分析员",
            "安全工程师",
            "研发助理",
        ),
        (
            "负责新材料配方开发与性能测试",
            "优化化工生产工艺参数",
            "完成原料及成品的理化分析",
            "负责生产过程的安全管理",
            "撰写实验报告与技术文件",
            "处理客户质量投诉与改进",
        ),
    ),
    Domain(
        "environment",
        "环境与能源",
        ("0825", "0805", "0806"),
        ("2-02-27-01", "2-02-27-02", "2-02-27-07", "2-02-30-06", "2-02-11-01"),
        ("77", "44", "46", "45"),
        (
            "环境监测",
            "环境影响评价",
            "污水处理",
            "碳排放核算",
            "节能减排",
            "光伏",
            "储能",
            "电力电子",
            "能源管理",
            "ehs",
            "大气污染治理",
        ),
        ("环保工程师", "环评工程师", "碳管理专员", "光伏工程师", "储能工程师", "能源管理工程师", "EHS专员"),
        (
            "负责环境监测方案制定与采样分析",
            "编制环境影响评价报告",
            "开展企业碳排放核算与碳盘查",
            "负责光伏电站设计与运维",
            "负责储能系统集成与调试",
            "推进节能改造项目",
        ),
    ),
    Domain(
        "logistics",
        "物流与供应链",
        ("1206", "1207", "0818"),
        ("2-02-30-02", "2-02-30-11", "4-02-06-01", "2-06-07-15", "2-06-07-12"),
        ("58", "59", "60", "54", "51"),
        (
            "供应链管理",
            "采购管理",
            "仓储管理",
            "物流管理",
            "库存管理",
            "sap",
            "erp",
            "国际贸易",
            "报关",
            "运输调度",
            "excel",
        ),
        ("采购专员", "供应链经理", "物流专员", "仓储主管", "计划员", "关务专员", "外贸跟单"),
        (
            "负责供应商开发与采购谈判",
            "制定物料需求计划并跟踪交付",
            "负责仓库出入库与库存盘点",
            "优化物流配送网络与成本",
            "办理进出口报关手续",
            "维护ERP系统中的主数据",
        ),
    ),
    Domain(
        "law",
        "法律与知识产权",
        ("0301",),
        ("2-07-04-00", "2-06-12-01", "2-06-07-14", "2-06-12-03"),
        ("72", "75"),
        (
            "合同审查",
            "诉讼",
            "法律咨询",
            "知识产权",
            "专利申请",
            "专利代理",
            "商标注册",
            "企业合规",
            "尽职调查",
            "劳动法",
        ),
        ("法务专员", "律师助理", "专利代理师", "知识产权专员", "合规经理", "法务经理"),
        (
            "负责合同起草与审查",
            "处理公司诉讼与仲裁案件",
            "提供日常法律咨询",
            "负责专利挖掘与申请",
            "建立合规管理制度",
            "参与投融资项目尽职调查",
        ),
    ),
    Domain(
        "education",
        "教育培训",
        ("0401", "0501", "050201", "0701"),
        ("2-08-02-01", "2-08-02-03", "2-08-02-04", "2-08-01-02", "2-06-08-04"),
        ("8331", "8332", "8341", "8391", "83"),
        (
            "教学设计",
            "课程开发",
            "班级管理",
            "教育心理学",
            "学科教学",
            "普通话",
            "在线教育",
            "职业培训",
            "英语口语",
        ),
        ("语文教师", "数学教师", "英语教师", "课程顾问", "教研专员", "培训讲师", "班主任"),
        (
            "负责学科课程的备课与授课",
            "开展教研活动并开发课程",
            "做好班级日常管理与家校沟通",
            "组织学生测评与学情分析",
            "负责企业内训课程设计与交付",
        ),
    ),
)

SYNONYMS: dict[str, tuple[str, ...]] = {
    # written as a person or an employer might; some the skills list knows as aliases, some it does not
    "python": ("Python3", "Py"),
    "javascript": ("JS", "前端脚本"),
    "kubernetes": ("K8s", "容器编排"),
    "go语言": ("Golang", "Go"),
    "机器学习": ("ML", "机器学习算法"),
    "深度学习": ("DL", "神经网络"),
    "自然语言处理": ("NLP", "文本挖掘"),
    "计算机视觉": ("视觉算法", "图像算法"),
    "大模型": ("LLM", "生成式AI"),
    "数据分析": ("数据统计分析", "数据洞察"),
    "数据挖掘": ("数据建模",),
    "mysql": ("MySQL数据库", "关系型数据库"),
    "软件测试": ("QA测试", "测试工作"),
    "微服务": ("微服务架构", "服务化"),
    "分布式系统": ("分布式架构",),
    "fpga": ("可编程逻辑器件",),
    "集成电路设计": ("IC设计", "芯片设计"),
    "嵌入式开发": ("嵌入式软件", "MCU开发"),
    "有限元分析": ("FEA", "CAE仿真"),
    "plc编程": ("PLC", "可编程控制器"),
    "autocad": ("CAD", "CAD制图"),
    "solidworks": ("SW三维", "三维建模"),
    "工业机器人": ("机械臂", "机器人"),
    "临床试验": ("临床研究", "临床项目"),
    "药物分析": ("药品检验",),
    "gmp": ("药品生产质量管理规范",),
    "质量控制": ("QC", "品控"),
    "会计": ("财会", "会计核算"),
    "财务分析": ("财报分析", "经营分析"),
    "税务筹划": ("税务规划", "纳税筹划"),
    "审计": ("审计工作", "稽核"),
    "excel": ("Excel表格", "电子表格"),
    "市场营销": ("营销推广", "市场推广"),
    "新媒体运营": ("公众号运营", "自媒体运营"),
    "品牌策划": ("品牌推广",),
    "招聘": ("人才招募", "招聘配置"),
    "薪酬管理": ("薪资核算", "薪酬核算"),
    "员工关系": ("劳动关系",),
    "ui设计": ("界面设计", "UI/UX"),
    "photoshop": ("PS", "修图"),
    "施工管理": ("现场管理", "工地管理"),
    "工程造价": ("预结算", "造价"),
    "bim": ("建筑信息模型",),
    "环境影响评价": ("环评", "环评报告"),
    "碳排放核算": ("碳盘查", "碳核算"),
    "供应链管理": ("SCM", "供应链"),
    "采购管理": ("采购", "寻源采购"),
    "合同审查": ("合同审核", "合同把关"),
    "知识产权": ("IP保护", "知产"),
    "护理": ("护理工作", "临床护理操作"),
    "临床诊疗": ("看诊", "诊疗工作"),
    "教学设计": ("备课", "教案设计"),
    "课程开发": ("课程研发", "课程设计"),
}

_DEGREE_NAMES = {1: "大专", 2: "本科", 3: "硕士研究生", 4: "博士研究生"}
_DEGREE_REQ = {0: "学历不限", 1: "大专", 2: "本科", 3: "硕士", 4: "博士"}
_SOFT = (
    "性格开朗，沟通能力强",
    "具有良好的团队合作精神",
    "责任心强，能承受一定工作压力",
    "学习能力强，做事认真细致",
    "有较强的逻辑思维和表达能力",
    "工作积极主动，执行力强",
    "吃苦耐劳，服从安排",
)
_BENEFITS = (
    "五险一金",
    "带薪年假",
    "年终奖金",
    "定期体检",
    "节日福利",
    "弹性工作",
    "员工宿舍",
    "餐补交通补贴",
    "股票期权",
    "免费班车",
    "专业培训",
)
_HOBBIES = (
    "业余爱好跑步和阅读",
    "喜欢摄影和旅行",
    "曾获校级奖学金",
    "担任过学生会干部",
    "参加过志愿服务活动",
    "获得全国大学生竞赛奖项",
    "持有驾照",
)
_FIRMS = (
    "杭州某科技有限公司",
    "某上市公司",
    "某互联网企业",
    "某外资企业",
    "某国有企业",
    "一家初创公司",
    "某研究院",
    "某三甲医院",
    "某制造企业",
    "某咨询公司",
)
_SENIORITY = ("", "", "", "高级", "资深", "初级", "助理")
_COMPANY_TYPES = ("高新技术企业", "国家级专精特新企业", "上市公司", "民营企业", "外资企业", "国有控股企业")
_HUBS = (
    "330100",
    "330100",
    "330100",
    "330100",
    "330200",
    "330300",
    "330600",
    "310100",
    "320500",
    "320100",
    "440300",
    "110100",
    "510100",
    "420100",
)


@dataclass(frozen=True, slots=True)
class _World:
    majors: tuple[tuple[tuple[str, str], ...], ...]  # per domain: (code, name) of majors
    occupations: tuple[tuple[tuple[str, str], ...], ...]
    industries: tuple[tuple[tuple[str, str], ...], ...]
    counties: dict[str, tuple[str, ...]]  # hub city → its counties
    colleges: tuple[str, ...]
    universities: tuple[str, ...]


@lru_cache(maxsize=4)
def _world(tax: Taxonomies) -> _World:
    items = [c for c, level in tax.major_levels.items() if level == "item"]
    majors, occupations, industries = [], [], []
    for d in DOMAINS:
        codes = [c for c in items if any(c.startswith(p) for p in d.majors)]
        majors.append(tuple((c, tax.majors[c]) for c in codes))
        occupations.append(tuple((c, tax.occupations[c]) for c in d.occupations if c in tax.occupations))
        inds = []
        for c in d.industries:
            if c in tax.industries and tax.industry_key(c):
                inds.append((c, tax.industries[c]))
        industries.append(tuple(inds))
    counties: dict[str, list[str]] = {}
    for code, parent in tax.division_parents.items():
        if parent in _HUBS and tax.division_levels.get(code) == "county":
            counties.setdefault(parent, []).append(code)
    return _World(
        tuple(majors),
        tuple(occupations),
        tuple(industries),
        {k: tuple(sorted(v)) for k, v in counties.items()},
        tuple(sorted(n for n, _, level in tax.universities if level == "专科")),
        tuple(sorted(n for n, _, level in tax.universities if level == "本科")),
    )


def _skill_text(rng: random.Random, skill: str) -> str:
    alts = SYNONYMS.get(skill)
    if alts and rng.random() < 0.35:
        return rng.choice(alts)
    return (
        skill.upper() if skill.isascii() and len(skill) <= 4 else skill.title() if skill.isascii() else skill
    )


def _pick_domain(rng: random.Random) -> int:
    return rng.randrange(len(DOMAINS))


def _place(rng: random.Random, w: _World, hub: str) -> str:
    counties = w.counties.get(hub)
    return rng.choice(counties) if counties else hub


def _years(rng: random.Random) -> float:
    r = rng.random()
    if r < 0.35:
        return round(rng.uniform(0, 2) * 2) / 2
    if r < 0.75:
        return round(rng.uniform(2, 6) * 2) / 2
    return round(rng.uniform(6, 15) * 2) / 2


def _salary_base(degree: int, years: float) -> float:
    return {0: 5000, 1: 5000, 2: 7000, 3: 10000, 4: 14000}[degree] * (1 + 0.07 * min(years, 12))


def _round500(x: float) -> int:
    return max(2000, int(round(x / 500.0)) * 500)


def _noise(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.03:
        return f"<p>{text}</p><br/>"
    if r < 0.05:
        return text + rng.choice(("😊", "💪", "👍"))
    if r < 0.06:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    return text


def generate_talents(n: int, seed: int, taxonomies: Taxonomies, *, first_id: int = 1) -> list[TalentDoc]:
    """``n`` talents, the same for the same ``seed`` and taxonomies."""
    rng = random.Random(f"talents:{seed}")
    w = _world(taxonomies)
    out = []
    for i in range(n):
        d = _pick_domain(rng)
        dom = DOMAINS[d]
        major_domain = d if rng.random() > 0.1 else _pick_domain(rng)  # a few studied something else
        major_code, major_name = rng.choice(w.majors[major_domain])
        degree = rng.choices((0, 1, 2, 3, 4), (2, 20, 48, 25, 5))[0]
        years = _years(rng)
        occs = rng.sample(w.occupations[d], k=min(len(w.occupations[d]), rng.choice((1, 1, 2, 2, 3))))
        if rng.random() < 0.15:  # career changer: one wish outside the domain
            occs.append(rng.choice(w.occupations[_pick_domain(rng)]))
        skills = rng.sample(dom.skills, k=min(len(dom.skills), rng.randint(3, 8)))
        r = rng.random()
        if r < 0.15:
            divisions = []
        elif r < 0.55:
            divisions = [_place(rng, w, "330100")]
        elif r < 0.75:
            divisions = ["330100"]
        elif r < 0.85:
            divisions = ["330000"]
        else:
            hub = rng.choice(_HUBS[4:])
            divisions = [rng.choice((hub, _place(rng, w, hub)))] + (["330100"] if rng.random() < 0.5 else [])
        base = _salary_base(max(degree, 1), years) * rng.uniform(0.8, 1.25)
        smin: int | None = _round500(base)
        smax: int | None = _round500(base * rng.uniform(1.2, 1.6))
        r = rng.random()
        if r < 0.1:
            smin = smax = None
        elif r < 0.15:
            smax = None
        inds = [c for c, _ in rng.sample(w.industries[d], k=min(len(w.industries[d]), rng.randint(0, 2)))]
        text = _resume_text(rng, w, dom, degree, major_name, years, occs, skills, taxonomies)
        declared = (
            [] if rng.random() < 0.2 else [_skill_text(rng, s) if rng.random() < 0.2 else s for s in skills]
        )
        out.append(
            TalentDoc(
                id=first_id + i,
                text=text,
                skills=declared,
                degree_rank=degree,
                major_code=major_code,
                years_experience=years,
                desired_occupations=[c for c, _ in occs],
                desired_divisions=divisions,
                salary_min=smin,
                salary_max=smax,
                industry_codes=inds,
                consent=rng.random() < 0.7,
            )
        )
    return out


def _resume_text(
    rng: random.Random,
    w: _World,
    dom: Domain,
    degree: int,
    major: str,
    years: float,
    occs: list[tuple[str, str]],
    skills: list[str],
    tax: Taxonomies,
) -> str:
    school = rng.choice(w.colleges if degree == 1 else w.universities)
    parts = []
    if degree:
        graduated = 2025 - int(years) - rng.randint(0, 2)
        parts.append(f"{_DEGREE_NAMES[degree]}学历，{graduated}年毕业于{school}{major}专业。")
    else:
        parts.append(f"{major}专业出身。")
    if years < 1:
        parts.append(rng.choice(("应届毕业生，", "刚毕业，")) + f"在校期间参与过{dom.field}相关项目。")
    else:
        title = rng.choice(dom.titles)
        duty = rng.sample(dom.duties, k=2)
        parts.append(
            f"{years:g}年{dom.field}工作经验，曾在{rng.choice(_FIRMS)}担任{title}，{duty[0]}，{duty[1]}。"
        )
        if years >= 4 and rng.random() < 0.7:
            earlier = rng.choice(dom.titles)
            parts.append(f"此前在{rng.choice(_FIRMS)}任{earlier}，{rng.choice(dom.duties)}。")
    shown = [_skill_text(rng, s) for s in skills[: rng.randint(2, len(skills))]]
    if shown:
        parts.append(rng.choice(("熟悉", "熟练掌握", "擅长", "掌握")) + "、".join(shown) + "。")
    wish = rng.choice(occs)[1]
    parts.append(
        rng.choice((f"求职意向：{wish}。", f"期望从事{wish}相关工作。", f"希望在{dom.field}方向继续发展。"))
    )
    if rng.random() < 0.6:
        parts.append(rng.choice(_SOFT) + "，" + rng.choice(_HOBBIES) + "。")
    if rng.random() < 0.1:  # short profile
        parts = parts[:2]
    return _noise(rng, "".join(parts))


def generate_jobs(
    n: int, seed: int, taxonomies: Taxonomies, *, first_id: int = 1, open_share: float = 0.95
) -> list[JobDoc]:
    """``n`` jobs, the same for the same ``seed`` and taxonomies; about ``open_share`` of them open."""
    rng = random.Random(f"jobs:{seed}")
    w = _world(taxonomies)
    out = []
    for i in range(n):
        d = _pick_domain(rng)
        dom = DOMAINS[d]
        occ_code, occ_name = rng.choice(w.occupations[d])
        title = rng.choice(_SENIORITY) + rng.choice(dom.titles)
        min_degree = rng.choices((0, 1, 2, 3, 4), (10, 25, 50, 13, 2))[0]
        min_years = rng.choice((0, 0, 1, 1, 2, 3, 3, 5, 8))
        r = rng.random()
        if r < 0.1:
            majors: list[str] = []
        else:
            picks = rng.sample(w.majors[d], k=min(len(w.majors[d]), rng.randint(1, 3)))
            if r < 0.55:
                majors = list(dict.fromkeys(c[:4] for c, _ in picks))
            elif r < 0.92:
                majors = [c for c, _ in picks]
            else:
                majors = list(dict.fromkeys(c[:2] for c, _ in picks))
        skills = rng.sample(dom.skills, k=min(len(dom.skills), rng.randint(3, 7)))
        base = _salary_base(max(min_degree, 1), min_years) * rng.uniform(0.85, 1.3)
        smin: int | None = _round500(base)
        smax: int | None = _round500(base * rng.uniform(1.3, 1.8))
        if rng.random() < 0.08:
            smin = smax = None
        r = rng.random()
        hub = "330100" if r < 0.7 else "330200" if r < 0.8 else rng.choice(_HUBS[5:])
        division = _place(rng, w, hub)
        ind_code, ind_name = rng.choice(w.industries[d])
        text = _job_text(rng, w, dom, occ_name, min_degree, min_years, majors, skills, ind_name, taxonomies)
        declared = (
            [] if rng.random() < 0.25 else [_skill_text(rng, s) if rng.random() < 0.2 else s for s in skills]
        )
        out.append(
            JobDoc(
                id=first_id + i,
                title=title,
                text=text,
                skills=declared,
                occupation_code=occ_code,
                min_degree_rank=min_degree,
                accepted_majors=majors,
                min_years=float(min_years),
                salary_min=smin,
                salary_max=smax,
                division_code=division,
                industry_code=ind_code,
                open=rng.random() < open_share,
            )
        )
    return out


def _job_text(
    rng: random.Random,
    w: _World,
    dom: Domain,
    occ_name: str,
    min_degree: int,
    min_years: int,
    majors: list[str],
    skills: list[str],
    ind_name: str,
    tax: Taxonomies,
) -> str:
    duties = rng.sample(dom.duties, k=min(len(dom.duties), rng.randint(2, 4)))
    lines = ["岗位职责："] + [f"{i}. {t}；" for i, t in enumerate(duties, 1)]
    names = [tax.majors.get(c, "") for c in majors]
    major_req = "、".join(n for n in names if n) + "等相关专业" if majors else "专业不限"
    years_req = f"{min_years}年以上{dom.field}相关工作经验" if min_years else "接受优秀应届毕业生"
    shown = "、".join(_skill_text(rng, s) for s in skills)
    lines += [
        "任职要求：",
        f"1. {_DEGREE_REQ[min_degree]}及以上学历，{major_req}；",
        f"2. {years_req}；",
        f"3. 熟悉{shown}；",
        f"4. {rng.choice(_SOFT)}。",
    ]
    if rng.random() < 0.5:
        lines.append(f"该岗位属于{occ_name}。")
    lines.append(
        f"公司介绍：我们是一家专注于{ind_name}的{rng.choice(_COMPANY_TYPES)}，"
        f"福利：{'、'.join(rng.sample(_BENEFITS, k=3))}。"
    )
    return _noise(rng, "\n".join(lines))
