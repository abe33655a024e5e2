"""Code lists of the sector ledgers (domain-assistance.md §1–§9). Codes are stored, labels
shown; where a national code list exists its codes are used, otherwise short stable ones."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    """审核状态 of a ledger entry (the 小额信贷 export's 审核 columns)."""

    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "1", _("已就业")
    UNEMPLOYED = "2", _("未就业")


class EmploymentForm(models.TextChoices):
    MIGRANT = "1", _("外出务工")
    COUNTY_ENTERPRISE = "2", _("县内企业")
    WORKSHOP = "3", _("扶贫车间")
    PUBLIC_WELFARE_POST = "4", _("公益性岗位")
    SELF_EMPLOYED = "5", _("自主创业")
    FLEXIBLE = "6", _("灵活就业")


class ServiceKind(models.TextChoices):
    """就业服务记录的类型."""

    JOB_INFO = "1", _("岗位信息推送")
    CAREER_GUIDANCE = "2", _("职业指导")
    REFERRAL = "3", _("职业介绍")
    TRAINING_REFERRAL = "4", _("培训推荐")
    POLICY_ADVICE = "5", _("政策宣传")


class PostType(models.TextChoices):
    """乡村公益性岗位 (人社部发〔2018〕46号) and the posts paid from PV income."""

    HRSS_ASSISTANT = "1", _("乡村人社协理")
    SANITATION = "2", _("环境卫生清扫")
    SECURITY = "3", _("社会治安协管")
    ROAD_UPKEEP = "4", _("乡村道路简易维护")
    VILLAGE_AFFAIRS = "5", _("村务助理")
    OTHER = "9", _("其他")


class PostFunding(models.TextChoices):
    EMPLOYMENT_SUBSIDY = "1", _("就业补助资金")
    PV_INCOME = "2", _("光伏收益")
    OTHER = "9", _("其他")


class TrainingMode(models.TextChoices):
    CLASSROOM = "1", _("集中培训")
    ON_THE_JOB = "2", _("岗位培训")
    ONLINE = "3", _("线上培训")
    FIELD = "4", _("田间课堂")


class LoanPurpose(models.TextChoices):
    PLANTING = "1", _("种植业")
    BREEDING = "2", _("养殖业")
    PROCESSING = "3", _("加工业")
    TRADE = "4", _("商贸流通")
    SERVICES = "5", _("服务业")
    ENTERPRISE = "6", _("入股带贫企业")
    OTHER = "9", _("其他生产经营")


class LoanState(models.TextChoices):
    ACTIVE = "1", _("未结清")
    REPAID = "2", _("已结清")
    OVERDUE = "3", _("逾期")
    COMPENSATED = "4", _("风险补偿代偿")


class CheckerLevel(models.TextChoices):
    TOWNSHIP = "township", _("乡镇服务站")
    COUNTY = "county", _("县金融扶贫服务中心")
    BANK = "bank", _("银行")


class SchoolStage(models.TextChoices):
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("普通高中")
    VOCATIONAL = "vocational", _("中职")
    HIGHER_VOCATIONAL = "higher_vocational", _("高职/专科")
    UNDERGRADUATE = "undergraduate", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTORATE = "doctorate", _("博士研究生")


class EnrolmentStatus(models.TextChoices):
    AT_SCHOOL = "1", _("在校")
    DROPPED_OUT = "2", _("辍学")
    SUSPENDED = "3", _("休学")
    EXEMPT = "4", _("免入学/缓学")
    HOME_TEACHING = "5", _("送教上门")


class DropoutOutcome(models.TextChoices):
    OPEN = "", _("劝返中")
    RETURNED = "returned", _("已劝返复学")
    HOME_TEACHING = "home_teaching", _("送教上门")
    EXEMPTED = "exempted", _("办理缓学/免学")
    OTHER = "other", _("其他")


class AidItem(models.TextChoices):
    """学生资助项目 (豫政办〔2016〕120号, domain-assistance §3)."""

    CARE_FEE = "care_fee", _("学前保教费减免")
    LIVING_ALLOWANCE = "living", _("生活补助")
    NUTRITION = "nutrition", _("营养改善计划")
    FEE_WAIVER = "fee_waiver", _("免学杂费")
    NATIONAL_GRANT = "national_grant", _("国家助学金")
    YULU = "yulu", _("雨露计划")
    STUDENT_LOAN = "student_loan", _("生源地信用助学贷款")


class DisabilityCategory(models.TextChoices):
    VISUAL = "1", _("视力残疾")
    HEARING = "2", _("听力残疾")
    SPEECH = "3", _("言语残疾")
    PHYSICAL = "4", _("肢体残疾")
    INTELLECTUAL = "5", _("智力残疾")
    MENTAL = "6", _("精神残疾")
    MULTIPLE = "7", _("多重残疾")


class DisabilityGrade(models.TextChoices):
    FIRST = "1", _("一级")
    SECOND = "2", _("二级")
    THIRD = "3", _("三级")
    FOURTH = "4", _("四级")


class ChronicDisease(models.TextChoices):
    HYPERTENSION = "hypertension", _("高血压")
    DIABETES = "diabetes", _("糖尿病")
    TUBERCULOSIS = "tuberculosis", _("结核病")
    MENTAL = "mental", _("严重精神障碍")
    OTHER = "other", _("其他慢性病")


class PriorityGroup(models.TextChoices):
    """危房改造 四类重点对象."""

    REGISTERED_POOR = "1", _("建档立卡贫困户")
    DIBAO = "2", _("低保户")
    TEKUN_SCATTERED = "3", _("农村分散供养特困人员")
    POOR_DISABLED = "4", _("贫困残疾人家庭")


class RenovationMethod(models.TextChoices):
    REBUILD = "1", _("拆除重建")
    REPAIR = "2", _("修缮加固")
    OTHER = "9", _("其他")


class AssistanceKind(models.TextChoices):
    DIBAO = "dibao", _("农村低保")
    TEKUN = "tekun", _("特困供养")


class TekunMode(models.TextChoices):
    SCATTERED = "1", _("分散供养")
    CENTRALISED = "2", _("集中供养")


class RangerState(models.TextChoices):
    HIRED = "1", _("在聘")
    RENEWED = "2", _("续聘")
    DISMISSED = "3", _("解聘")


class PaymentKind(models.TextChoices):
    """What a payment line pays; each belongs to one ledger (kinds.py)."""

    STUDENT_AID = "student_aid", _("学生资助")
    POST_PAY = "post_pay", _("公益性岗位补贴")
    TRAINING_ALLOWANCE = "training_allowance", _("培训生活费/交通补贴")
    EMPLOYMENT_SUBSIDY = "employment_subsidy", _("就业补贴")
    HOUSING_SUBSIDY = "housing_subsidy", _("危房改造补助")
    PV_INCOME = "pv_income", _("光伏收益分配")
    RANGER_PAY = "ranger_pay", _("护林员补助")
    DISABILITY_SUBSIDY = "disability_subsidy", _("残疾人两项补贴")
    DIBAO = "dibao", _("低保金")
    TEKUN = "tekun", _("特困供养金")


class PvDistributionMode(models.TextChoices):
    """光伏收益的分配方式 (国开办发〔2017〕61号)."""

    POST = "post", _("公益岗位")
    PUBLIC_WORKS = "public_works", _("小型公益事业")
    REWARD = "reward", _("奖励补助")
    NO_LABOUR_SUBSIDY = "no_labour", _("无劳动能力补助")


class DisabilitySubsidy(models.TextChoices):
    LIVING = "living", _("困难残疾人生活补贴")
    CARE = "care", _("重度残疾人护理补贴")
