"""Seed content for the training case library: cases and reference cards.

Facts, numbers, procedures and stories come from the training material in the seeds; every text
is retold in our own words, real people's names are replaced by roles or generic surnames and
company names by "我们公司" / "某物业公司". Plain data only: the library code reads it.

Each case: slug, title, title_en, summary_en, story, outcome, lesson, questions, kind, topics,
method_steps, source. Allowed values are listed in KINDS, TOPICS and METHOD_STEPS below."""
from __future__ import annotations

KINDS = ("praise", "complaint", "exercise", "management")

TOPICS = ("service_mindset", "complaints", "move_in", "fees", "safety", "cleaning", "repairs",
          "community", "communication", "management")

METHOD_STEPS = ("register", "judge", "investigate", "assign", "propose", "agree", "implement",
                "feedback", "callback", "prevent")

_S000 = "000_0f473c2946fa8a46.txt"  # training deck: quality customer service
_S001 = "001_110f6cf57c6c0adf.txt"  # customer-service department handbook
_S002 = "002_4c30cd74ead87aa4.txt"  # eight steps of complaint handling; a residence complaint rule
_S003 = "003_fb789e229f8fcc3f.txt"  # customer communication and the general complaint process
_S004 = "004_b11fb2bcbd3ccba6.txt"  # articles on customer relations and fine-grained service


SEED_CASES: list[dict] = [
    # ------------------------------------------------------------------ praise
    {
        "slug": "lost-parents-1am",
        "title": "凌晨一点，只记得门牌号的两位老人",
        "title_en": "1 a.m.: elderly parents who knew only the room number",
        "summary_en": (
            "An owner's elderly parents turned up at about 1 a.m. after two days on a train; their son's "
            "phone was off and they knew the room number but not the building. The night guard settled "
            "them in the lobby, and guards, the section leader and the service centre's duty manager "
            "checked building by building until the home was found. The guard carried their bags to the "
            "door and politely refused the gifts they pressed on him."),
        "story": (
            "2003年2月初的一天，凌晨一点多，两位拖着大包小包的老人出现在小区门口。他们从外地坐了两天火车来看儿子，"
            "出发前没和儿子联系上，到了才发现儿子手机关机；更麻烦的是，老人只记得门牌号，说不出是哪一栋楼。"
            "夜班安全员小刘问明情况，先把沉甸甸的行李接过来，领老人到大堂沙发上坐下，倒了两杯热水，劝他们别着急。"
            "他随后请相邻岗位的同事一起找，可没有楼栋号，大家都查不出结果。区队长接报后，又通知了服务中心的总值班，"
            "值班人员拿着业主资料一栋一栋地核对，终于查清了老人儿子的住址。"),
        "outcome": (
            "小刘和区队长提着行李，把两位老人一直送到儿子家门口。老人感动得眼泪都下来了，从行李里翻出几包家乡特产，"
            "非要塞给小刘，他客气地推辞了。老人说，走过那么多地方，很少碰到这样热心、周到、肯帮人的服务人员。"),
        "lesson": (
            "客户意识不是一句口号，而是深夜里的一杯热水和一次逐栋核查。遇到制度没写到的情况，先把人安顿好，"
            "再调动整个值班体系（相邻岗位、区队长、总值班）把事情办到底；婉拒礼物同样是职业素养的一部分。"),
        "questions": [
            "如果总值班也查不到业主信息，你还能做哪些安排让两位老人安心度过这一夜？",
            "这次找人先后动用了哪几层人员？我们项目的夜间值班能否同样顺畅地联动？",
            "客户坚持要送礼物时，你会怎样推辞才不让对方难堪？",
        ],
        "kind": "praise",
        "topics": ["service_mindset", "safety", "community"],
        "method_steps": [],
        "source": _S000,
    },
    {
        "slug": "insects-college-expert",
        "title": "连防疫站都认不出的小虫",
        "title_en": "The insect nobody could name",
        "summary_en": (
            "An owner kept finding small insects in the bathtub and on the floors. The environment officer "
            "tried routine pest control, then took samples to the district epidemic-prevention station and "
            "an insect research institute, until an agricultural college expert identified a pest newly "
            "recorded in the region. With the right treatment the insects were gone, and the owner wrote a "
            "letter of thanks."),
        "story": (
            "一月底，一位业主到服务中心反映：家里浴缸里、地板上到处是小虫，有的在爬，有的一动不动，日子过得很闹心。"
            "环境管理员小周当即上门，先仔细看了室内的虫情，又把房子周边的环境和绿化查了一遍，排除了虫子从室外来的可能。"
            "他坦白告诉业主：这种虫服务中心以前没遇到过，先用常规办法消杀控制，同时把样本送到区卫生防疫站请教。"
            "第二天小周再次上门，说防疫站的人也认不出是什么虫，给不出有效的药。业主告诉他虫子还在，他表示会接着想办法。"
            "业主心里想：物业已经尽力了，连防疫站都没办法，恐怕只能随它去了。"),
        "outcome": (
            "两天后小周很有把握地回来了：他先把业主家两盆君子兰暂时搬走，换了一种新药喷洒，又过了两天，小虫真的没了。"
            "业主后来听保洁员说，小周还带着样本跑过昆虫研究所，仍没有答案；最后请教农学院的专家，才确认这是本地新发现的"
            "一种天牛（拟黑尾天牛），常藏在盆栽泥土、地板和木质家具里，并找到了对症的药。业主为此专门写来表扬信。"),
        "lesson": (
            "不懂不可怕，可怕的是停在“已经尽力了”。问题超出自己的专业时，要主动借外部专家的力量；"
            "每一步进展都告诉客户，直到问题真正解决。"),
        "questions": [
            "小周每次上门都向业主交代了什么？这对管理客户的期望起了什么作用？",
            "公司内部找不到专业答案时，我们项目可以求助哪些外部机构？有没有一份现成的名单？",
            "如果最终仍找不到办法，应当怎样向业主反馈？",
        ],
        "kind": "praise",
        "topics": ["service_mindset", "cleaning", "communication"],
        "method_steps": ["investigate", "implement", "feedback"],
        "source": _S000,
    },
    {
        "slug": "invoices-40-bags",
        "title": "翻了四十袋垃圾找回的购房发票",
        "title_en": "Two house-purchase invoices found in the 40th bag of rubbish",
        "summary_en": (
            "An owner lost two house-purchase invoices (240,000 and 300,000 yuan) folded inside old "
            "newspapers, and the rubbish on his route had already been collected. A cleaner noticed his "
            "distress, the cleaning supervisor organised a search, confirmed the rubbish had not yet left "
            "the collection point and opened bag after bag until both invoices turned up in the 40th."),
        "story": (
            "一天上午九点半左右，一位业主在小区路上走着，不小心把夹在旧报纸里的两张购房发票弄丢了——一张24万元，"
            "一张30万元，买房和办房产证都离不开它们。十点半他才发现，急得不知如何是好。正在打扫楼道的一位保洁员"
            "看他神色不对，问清缘由后马上报告保洁管理员小林。小林立刻召集人手兵分两路：一路沿业主走过的路线寻找，"
            "一路把沿途的垃圾筒逐个翻查。可这段路的垃圾十点刚清运过，十点半前垃圾袋已全部换新，旧垃圾都送去了垃圾站。"),
        "outcome": (
            "小林带着几名保洁员赶到垃圾站，先问清十点以后环卫部门还没来拉过垃圾，接着把站里的垃圾袋一袋袋打开翻找，"
            "一直翻到第四十袋，两张发票才露了出来。把发票送到业主手上时，大家浑身都是垃圾。业主激动得几乎说不出话，"
            "来信说有这样的员工，证明自己当初买这里的房子没有选错。"),
        "lesson": (
            "一线员工主动多问一句，是一切的开始。接报后立刻分头行动、先弄清垃圾的去向、再到源头逐袋查找，"
            "说明团队把客户的急事当成了自己的急事；时间就是机会，垃圾一旦被运走就再也找不回来。"),
        "questions": [
            "保洁员主动上前询问这一步为什么关键？平时怎样鼓励一线员工“多问一句”？",
            "小林为什么要先问环卫部门是否来过？这体现了怎样的判断顺序？",
            "如果发票最终没有找到，服务中心还能帮业主做些什么？",
        ],
        "kind": "praise",
        "topics": ["service_mindset", "cleaning"],
        "method_steps": ["investigate", "implement"],
        "source": _S000,
    },
    {
        "slug": "hotel-remembers-names",
        "title": "叫得出客人名字的酒店前台",
        "title_en": "The hotel receptionist who remembered their names",
        "summary_en": (
            "A management writer recalled arriving unannounced at a Washington hotel in 1982 after missing "
            "the last convenient flight, braced for the usual cold welcome. The receptionist smiled and "
            "greeted them by name a year after their only stay. The story is set against the residence "
            "manager who did not recognise a long-time owner."),
        "story": (
            "一位管理学作者在书的开头写过这样一段经历：1982年的一天，他和同伴在华盛顿忙完工作，错过了最后一班合适的航班，"
            "只好临时多留一晚。两人没有订房，刚好走到一家一年前住过、印象还不错的酒店附近。穿过大堂时，他们一边琢磨怎么"
            "把情况说清楚好要到一间房，一边做好了面对冷脸的准备——前台对这种临时上门的客人通常都很冷淡。没想到，"
            "前台服务员抬起头笑了笑，叫出了他们的名字，还问他们这次怎么又来了。"),
        "outcome": (
            "作者说，那一刻他明白了，为什么这家酒店开业短短一年就成了当地旅客心目中的“家”，成为人人称道的星级酒店。"
            "这段故事常被拿来和“小区管理员不认识老住户”的事对照：一边记得一年前只住过一次的客人，一边认不出住了多年的业主。"),
        "lesson": (
            "叫得出名字，是成本最低、又最打动人的服务。物业天天和同一批业主打交道，比酒店更有条件做到这一点。"),
        "questions": [
            "酒店能记住一年前只住过一次的客人，我们为什么常常记不住天天见面的业主？",
            "在保护业主隐私的前提下，可以用哪些办法帮助新员工尽快熟悉业主？",
        ],
        "kind": "praise",
        "topics": ["service_mindset", "communication"],
        "method_steps": [],
        "source": _S004,
    },
    # --------------------------------------------------------------- complaint
    {
        "slug": "open-phone-line-swearing",
        "title": "以为电话没接通时说出的粗话",
        "title_en": "Swearing on a phone line he thought was not yet connected",
        "summary_en": (
            "A customer-service clerk went to an owner's home to collect fees with the owner's bank card, "
            "but the balance was too low. While his call to the owner was connecting he cursed the owner to "
            "a friend, and the owner heard every word. His apology at the door was refused and the owner hit "
            "him: a routine fee visit turned into a complaint and a fight."),
        "story": (
            "一天晚上，客服中心职员小吴和某栋一位黄先生约好七点半上门收费。黄先生把银行卡交给他，还告诉了密码，"
            "请他刷完卡把卡和收据送回来。结果卡里的钱不够。八点左右，小吴给黄先生打电话，电话还在接通的时候，"
            "一个朋友过来问他在干什么，他顺口骂了一句粗话，抱怨业主卡里没钱、害他白跑一趟。其实这时电话已经通了，"
            "黄先生在那头听得清清楚楚，气得说物业的人看不起他、说话带脏字，随即挂断了电话。"),
        "outcome": (
            "小吴知道闯了祸，马上上楼当面道歉，但黄先生不肯接受，情绪激动之下还打了他一拳。"
            "一次普通的上门收费，变成了一起投诉和一场冲突，培训中把它当作“意识决定行为”的反面例子。"),
        "lesson": (
            "心态迟早会从嘴里漏出来。“这个客户真烦”这样的念头只要存在心里，总有一天会在不该说的场合说出口。"
            "电话一拨出去就当对方已经在听；任何时候都不在背后议论客户。"),
        "questions": [
            "小吴的道歉为什么没有被接受？事后服务中心应当由谁、以什么方式出面补救？",
            "让员工拿着业主的银行卡和密码去刷卡，本身存在哪些风险？有没有既方便又安全的缴费方式？",
            "你有没有过“这个客户真烦”的念头？怎样不让它变成言行？",
        ],
        "kind": "complaint",
        "topics": ["service_mindset", "communication", "fees"],
        "method_steps": ["propose", "prevent"],
        "source": _S000,
    },
    {
        "slug": "power-cut-front-back-office",
        "title": "停电一小时，第二次来电被问“有什么事”",
        "title_en": "Power cut: the second call was met with 'what is this about?'",
        "summary_en": (
            "An owner reported a power cut at 5 p.m. and was promised an electrician at once; at 6 p.m. "
            "nobody had come and the person answering his second call asked what it was about. The "
            "receptionist had gone off shift and the repair supervisor had sent every free hand to a burst "
            "pipe, each side blaming the other. The fix is a process one: the front desk owns the request to "
            "the end and the back office reports results."),
        "story": (
            "下午五点，一位业主家里突然停电。他打服务电话，前台很热情地说维修工马上到。他左等右等，到六点还不见人，"
            "再打过去，接电话的前台反倒问他有什么事。业主随即在网上投诉：这就是你们的服务？调查时，客服主管说，"
            "第一个电话的内容前台已经转给维修主管，问题出在维修主管没落实；接第一个电话的同事五点半下班了，"
            "接第二个电话的人不了解前情。维修主管却说，当时小区水管爆裂，没有任务的维修工全派去抢修了，他已交代其中一人"
            "修完后去业主家；再说真是要紧事，客服主管就该亲自来找他平级沟通，让前台转话，说明客服部门自己都没当回事。"),
        "outcome": (
            "培训把两位主管的说法摆在一起，请学员判断谁有道理。讲评的结论是：前台负责把信息传出去并跟踪到底，"
            "后台负责把处理结果报回来；交接班时未办结的事必须交代清楚。更根本的是把服务重心前移，让前台对外以客户的名义"
            "提供一站式服务，对内一张单子追到底；让下一道工序把上一道工序当作内部客户（像流水线上的黄灯、红灯那样"
            "随时示警），并用绩效考核来保证。"),
        "lesson": (
            "客户只看到一家公司，看不到前台和后台。信息在部门之间、班次之间断掉，服务也就断了。"
            "谁接单谁跟到底，后台有结果必须回报；人手被抢修占用时，要主动告诉客户新的到达时间，而不是让他干等。"),
        "questions": [
            "客服主管和维修主管的说法，各有哪些道理、哪些问题？",
            "水管爆裂占用了全部人手时，维修主管本该怎样做才能避免这起投诉？",
            "我们的交接班记录能否让接班的人一眼看到尚未办结的来电？还缺什么？",
        ],
        "kind": "complaint",
        "topics": ["complaints", "repairs", "communication", "management"],
        "method_steps": ["register", "assign", "feedback", "prevent"],
        "source": _S000,
    },
    {
        "slug": "hair-salon-prepaid-cards",
        "title": "卷走预付卡的理发店与“与物业无关”",
        "title_en": "The hair salon that vanished with prepaid cards, and 'not our business'",
        "summary_en": (
            "The biggest hair salon on the residence's shopping street moved out overnight, taking the "
            "money of hundreds of prepaid-card holders. When owners asked the property office for help, the "
            "duty staff hesitated and the customer-service supervisor said it had nothing to do with the "
            "property company, and did not tell her manager. Liability was not the point: a notice, a single "
            "answer, help reporting to the police and a register of victims were all within reach."),
        "story": (
            "一天晚上七点半，一对业主夫妇去小区商业街的理发店洗头——太太前些日子在那儿办了一张500元的卡，一直没顾上用。"
            "走近一看，店里灯光昏暗，已经关门。先到的几位业主很气愤：店主一声不吭卷款跑了，连夜把设备拉走，还欠着店员的"
            "工资和押金。几百名会员卡里的钱，从几百元到两千元不等。八点左右，夫妇到物业求助：请值班人员去几步外的店里看看，"
            "他不去；请他报警，他犹豫；联系领导后，只说司法已经介入。再找客服主管，电话那头很不耐烦，说白天已经通知了"
            "消协，最后还说这件事跟物业完全没有关系。业主随后写了一封长长的投诉信。"),
        "outcome": (
            "主管事后解释：上午十点才知道此事，店里的东西是早上八点搬走的，保安当时盘问过，对方出示了商铺产权人的书面同意，"
            "物业打电话确认后放行；下午消协来人做了笔录。她认为会员卡是业主和商家之间的消费纠纷，与物业无关，甚至说业主"
            "被“惯坏了”；经理出差，她也没有上报。培训的分析是：大家先想的是会不会“责任上身”，白白错过了展示服务的机会。"
            "本该做的是：统一各服务窗口对业主的答复口径；在店门口和公告栏贴出通告，说明情况和已做的工作；为业主提供报案"
            "渠道并引导报案；安排专人登记受骗业主的情况，集中向有关部门反映。"),
        "lesson": (
            "责任是底线，不是服务的全部。即使法律上不归物业负责，业主在小区里受了损失，我们也应站在他们一边想办法；"
            "判定“不属于物业责任”时，要说明理由、报告经理，并告诉业主可以去找谁。"),
        "questions": [
            "业主在信里强调并不是要追究物业，而是希望物业出手做些补救，他们真正想要的是什么（对照A到G）？",
            "主管没有向经理汇报，错在哪里？哪些投诉必须升级处理？",
            "请为这起事件拟一份处理办法：通告内容、受骗业主登记表和统一答复口径。",
        ],
        "kind": "complaint",
        "topics": ["complaints", "community", "safety", "communication"],
        "method_steps": ["judge", "assign", "propose", "feedback", "prevent"],
        "source": _S000,
    },
    {
        "slug": "manager-unknown-owner",
        "title": "认不出老住户的小区管理员",
        "title_en": "The residence manager who did not recognise a long-time owner",
        "summary_en": (
            "On a Sunday morning a man who had lived in the residence for years was photographing flowers in "
            "the garden when a uniformed manager questioned where he lived and told him photos were not "
            "allowed. The owner, well known in the industry, wrote the exchange up online. Not knowing "
            "owners and applying a rule without understanding its purpose turned a security check into a "
            "public embarrassment."),
        "story": (
            "一个周日早上八点半，一位在小区住了很多年的业主拉开窗帘，看见院子里的花开得正好，就拿起相机到院子里拍花草。"
            "一位穿制服的小区管理员走过来问：先生，您住哪一栋？我怎么不认识您。业主说自己住了好多年了，问他是不是新来的。"
            "管理员说自己也在这儿干了好多年，真没见过他，又追问住哪一栋，接着说小区不让拍照。业主回答：在这里工作多年却"
            "不认识老住户，那是你的问题；想知道我住哪儿，看我进哪个门就行。至于拍照，请拿出书面规定——小区限制的应当是"
            "外人未经允许拍照，不可能不让住户拍自家门口的花草。"),
        "outcome": (
            "这位业主恰好是地产行业的知名人士，他把这段经历写进了自己的网络日记，引来不少议论。评论者认为这位管理员"
            "做事太粗糙：既不熟悉业主，又凭印象武断地搬出规定，这样的人不适合做直接面对客户的工作。"),
        "lesson": (
            "认识业主是最基本的功课。需要核实身份时，语气要客气，先说明原因；执行规定之前先弄清规定的本意和对象，"
            "不能拿它去约束业主的正常生活。"),
        "questions": [
            "管理员的出发点是维护小区安全，询问身份本身有错吗？错在哪里？",
            "你能叫出自己负责区域里多少户业主的名字？有什么办法在三个月内明显提高？",
            "确实需要核实一张陌生面孔时，你会怎样开口？",
        ],
        "kind": "complaint",
        "topics": ["service_mindset", "safety", "communication"],
        "method_steps": ["prevent"],
        "source": _S004,
    },
    # -------------------------------------------------------------- management
    {
        "slug": "noise-wall-work-of-art",
        "title": "公路噪音与一堵隔音墙：能不能修成艺术品？",
        "title_en": "The noise wall by a busy road: could it be a work of art?",
        "summary_en": (
            "Traffic on a road next to a suburban project grew and noise complaints piled up. The road and "
            "the cars were not the company's responsibility, yet it paid for a noise barrier and complaints "
            "fell. The chairman then asked whether the wall could be a work of art, with noise-absorbing "
            "asphalt and a planted earth bank behind it, because only that would be truly customer-centred."),
        "story": (
            "我们公司在城郊有一个项目。人们搬到郊区，图的是空气好、环境好，可随着旁边道路上的车越来越多，业主对汽车噪音的"
            "意见也越来越集中。按理说，路是政府修的，车是社会上的，这事和公司没有关系，真要投诉也该去找政府。公司没有"
            "这样把问题推出去，而是自己出钱，在靠近小区的路段修了一道隔离降噪的墙，此后噪音投诉明显少了。讲到这里，"
            "公司负责人反问听众：这算不算以客户为中心？"),
        "outcome": (
            "听的人都说算。负责人却说，这还不是公司追求的以客户为中心：墙当然要修，但能不能把它修成一件艺术品，"
            "让业主和路过的人都觉得赏心悦目？能不能用新技术，在挨着小区的那段路面铺吸音沥青？能不能在墙背后堆一道土坡，"
            "种上花草和大树——植物吸音的本事有限，却能给人一种安静的心理暗示？这三件都做到了，才算真正以客户为中心。"),
        "lesson": (
            "不是我们的责任，不等于不是我们的问题。把投诉压下去只是及格；从客户的感受出发，把解决办法做到超出预期，"
            "才是我们要追求的服务。"),
        "questions": [
            "对照投诉处理八步法的第六步，这个案例里的“超出预期”体现在哪里？",
            "你的项目里有哪些“不归物业管”的问题正在影响业主生活？我们能做些什么？",
            "这类投入往往需要开发商、业委会或政府配合，你会怎样提出建议？",
        ],
        "kind": "management",
        "topics": ["community", "complaints", "management"],
        "method_steps": ["propose", "implement", "prevent"],
        "source": _S004,
    },
    {
        "slug": "fee-collection-ladder",
        "title": "收费制度化：从每月通知到每年起诉",
        "title_en": "Fee collection as a routine: from a monthly notice to a yearly lawsuit",
        "summary_en": (
            "A property company turned dunning into a fixed rhythm instead of reacting when arrears pile up: "
            "a payment notice every month, a phone call every two months, a visit every quarter, a lawyer's "
            "letter every half year and a lawsuit every year, the last to stay within the limitation period. "
            "Across its projects in 14 cities the average collection rate was 95.3%."),
        "story": (
            "某物业公司在总结各地项目的收费经验时发现，催缴不能等欠费堆多了才想办法，于是把它变成了一套固定的节奏："
            "每个月给业主发缴费通知单；每两个月打一次电话提醒；每个季度上门收取；对半年后仍未缴的业主发律师函；"
            "每年提起诉讼。之所以要每年起诉，是因为欠费的追讨受诉讼时效约束，一旦超过时效，就可能失去通过法院追回的机会。"
            "和这套制度一起推行的，还有几条收费技巧：用服务打动业主，换位理解业主，依靠整体协作，方便业主缴费，"
            "把沟通放在关键位置。"),
        "outcome": (
            "同一份培训材料显示，这家公司在14个城市的项目，平均收费率达到95.3%。制度让每一步都有时间点、有记录，"
            "按时缴费的业主感到公平，最后不得不走法律途径时，时效也没有被耽误。"),
        "lesson": (
            "催缴靠的是制度和节奏，不是情绪。每一步按时做、留下记录，既保证公平，也为法律手段保住时效；"
            "但制度只是底线，收费率真正的基础是业主对服务的认可。"),
        "questions": [
            "你的项目目前做到了这套节奏中的哪几步？哪一步最常被拖延？",
            "为什么“每年起诉”不能省略？诉讼时效对欠费追讨意味着什么？",
            "对因为不满意服务而拒缴的业主，上门之前应当先做哪些准备？",
        ],
        "kind": "management",
        "topics": ["fees", "management"],
        "method_steps": [],
        "source": _S000,
    },
    {
        "slug": "owner-forum-move-in-tips",
        "title": "业主在论坛上替我们写的“入住须知”",
        "title_en": "The move-in guide an owner had to write for us on a forum",
        "summary_en": (
            "An early owner posted tips for neighbours moving into later phases: level the uneven floors "
            "before laying wood, which water heaters fit, the exhaust fan the gas company insists on, the "
            "stove type and the separate phone lines. He had learned it all through countless phone calls. "
            "What owners keep asking is exactly what the move-in pack is missing."),
        "story": (
            "某小区一位较早入住的业主在网上发帖，专门给第五期及以后入住的新邻居总结经验：一是天花和地面很不平，装修队提醒，"
            "不先找平就铺木地板，踩上去会发软、吱吱作响；二是热水器只能用强排式，一个浴室用6升的，两个浴室用10升的，"
            "10升的要把原来的墙洞扩大；强排热水器装在室内的，屋里必须有抽风机，否则燃气公司不给点火；三是厨房灶具要买"
            "液化石油气用的；四是客厅和卧室的电话不是同一条线，开通时要专门说明。他说这些事自己不知打了多少电话、花了"
            "多少时间才弄清楚，有的还是等师傅装好了才明白。"),
        "outcome": (
            "他在帖子里直说：开发商总是客气地请你打某某电话，可如果在入伙时就把这些事讲清楚，大家就不用等出了问题再去问。"
            "这条帖子在业主之间传得很广，帮了后来的许多人，也反过来暴露了我们的入住资料有多少缺口。"),
        "lesson": (
            "业主反复打电话问的事，就是入住资料里缺的内容。把常见问题整理成入住须知和统一说词，在交房时主动讲清楚，"
            "比事后接一百个咨询电话更省力，也更让人满意。"),
        "questions": [
            "你的项目里，业主入住后三个月内问得最多的五个问题是什么？入住资料里写了吗？",
            "由谁负责收集这些问题？入住须知多久更新一次？",
            "业主自发在网上分享经验，物业可以怎样借力？",
        ],
        "kind": "management",
        "topics": ["move_in", "communication", "repairs"],
        "method_steps": ["prevent"],
        "source": _S004,
    },
    {
        "slug": "one-stop-no-runaround",
        "title": "别让客户自己把断开的流程接起来",
        "title_en": "Don't make customers join up our broken process themselves",
        "summary_en": (
            "Design, sales, after-sales and property management sit in different departments or companies, "
            "each with its own attitude and no idea of the others' procedures. Customers end up phoning "
            "department after department to assemble one answer. The remedy proposed is a customer-service "
            "centre spanning every stage, one request in and one result out, and appraisal on what customers "
            "value."),
        "story": (
            "一篇谈房地产服务的文章描述了许多客户都经历过的事：设计、销售、售后、物业分属不同部门甚至不同公司，"
            "有的部门笑脸相迎，有的部门冷着脸，同一个部门前后态度也不一样。客户得自己找对部门才能办成事，而这个部门"
            "往往不清楚别的部门怎么办，也说不出客户接下来还要找谁。一件投诉从这个部门转到那个部门，客户拿不到完整的信息，"
            "只好一遍遍打电话，一个部门一个部门地问。本该由企业内部完成的衔接，最后全压到了客户自己身上。"),
        "outcome": (
            "文章给出的办法是：设一个贯穿售前、售中、售后的客户服务中心，统一制定服务流程，监督各环节执行，让客户只提一次"
            "需求、得到一个结果，在服务中心一站式解决问题，而不是被推来推去。同时把客户满意度放进绩效考核，考评客户看重的"
            "东西，而不只是企业自认为重要的指标。"),
        "lesson": (
            "部门怎么划分是企业内部的事，客户不该为此多跑一步。谁接待了客户，谁就替客户把内部流程走通。"),
        "questions": [
            "在我们公司，哪类事情最容易让业主在两个以上部门之间来回跑？",
            "停电投诉案例里的“对内一票到底”，和这里的一站式服务有什么共同点？",
            "我们现在的考核指标里，有哪些是客户真正在乎的？",
        ],
        "kind": "management",
        "topics": ["management", "complaints", "communication"],
        "method_steps": ["assign", "feedback"],
        "source": _S004,
    },
    {
        "slug": "publish-own-mistakes",
        "title": "把自己的错误公开写成案例",
        "title_en": "Publishing our own mistakes as cases",
        "summary_en": (
            "A developer's chairman made a habit of telling visiting peers about his company's mistakes and "
            "how they were corrected, rather than its successes. The company published the errors of its "
            "first national expansion and dropped a plan for its own architecture school after deciding it "
            "was vanity. Learning once, through a system rather than memory, is the last step of handling "
            "any complaint."),
        "story": (
            "某地产公司的负责人有个出了名的习惯：同行来取经时，他不怎么讲成功经验，而是把公司犯过的错误和纠正的过程毫无保留"
            "地讲出来，好让别人少走弯路。一位来访过的同行形容他总是在“当众打自己耳光”。他认为，把走过的路、犯过的错和纠错"
            "的经过整理成案例供人参考，可能比公司盖的房子更有价值。公司在周年纪念出版的书里，也公开了早年第一次全国扩张时"
            "在两个城市的失误，至今还在为此买单。他还反思过曾经想办一所建筑学院的念头：那其实是自觉成功之后的自大，"
            "办教育是另一门专业，最后打消了这个主意。"),
        "outcome": (
            "这些错误通过制度被固定下来，公司内部不再重犯。写文章的人感叹，可惜还有很多同行在一犯再犯同样的错误，"
            "给整个社会造成了本可避免的浪费。"),
        "lesson": (
            "投诉处理的最后一步是找到根源、防止再次发生。一个组织的学习能力，体现在同一个错误只犯一次，甚至能从别人的错误中"
            "吸取教训。把处理完的投诉整理成匿名案例，就是我们自己的“打耳光”。"),
        "questions": [
            "你的项目里有没有反复出现的同类投诉？它说明管理体系有什么问题？",
            "把一起已经处理完的投诉写成案例时，哪些信息必须隐去？",
            "怎样让员工愿意公开讲自己的失误，而不担心因此受罚？",
        ],
        "kind": "management",
        "topics": ["management", "complaints"],
        "method_steps": ["prevent"],
        "source": _S004,
    },
    {
        "slug": "best-projects-had-complaints",
        "title": "满意度最高的，不是从来没有投诉的项目",
        "title_en": "The most satisfied projects are not the ones without complaints",
        "summary_en": (
            "Experience shows that the projects with the highest customer satisfaction are not the ones that "
            "never had a complaint, but those whose complaints were handled well. Handling that goes beyond "
            "expectations builds word of mouth, and reporting the result back (even to owners who never "
            "complained) turns a bad event into a good experience."),
        "story": (
            "一篇介绍投诉处理八步法的文章提到一个在实践中反复得到印证的现象：客户满意度最高的项目，往往不是一向风平浪静、"
            "从没人投诉的项目，而是有过投诉、但每一起都处理得很好的项目。关键在第六、第七两步：落实解决时尽量把事情做到极致，"
            "超出客户的预期，口碑就是这样形成的；做完之后把结果反馈给客户，请他确认和评价，还可以想办法让那些没有出声的"
            "业主也知道。超出预期的处理，能把一件负面的事变成一次正面的体验。"),
        "outcome": (
            "文章由此主张：不要把投诉当成坏事藏起来，而要把它当成展示我们服务本领的机会；同时要管好期望——前面先讲清能做和"
            "不能做的，落实时再尽力做得更好。"),
        "lesson": (
            "投诉是客户给我们的第二次机会。先管好期望，再超出期望，并让更多业主看到处理的结果。"),
        "questions": [
            "回想你处理过的一起投诉，哪一步本可以做得“超出预期”？",
            "处理结果除了告诉投诉人，还可以用什么方式让其他业主知道？要注意什么？",
        ],
        "kind": "management",
        "topics": ["complaints", "service_mindset", "communication"],
        "method_steps": ["implement", "feedback", "callback"],
        "source": _S002,
    },
    {
        "slug": "customer-for-life",
        "title": "从第一套小户型到养老住宅：客户的一生",
        "title_en": "From a first small flat to a retirement home: a customer for life",
        "summary_en": (
            "A developer aimed to serve a customer through every stage of life, from a first studio to a "
            "family flat, a villa and a retirement home; Shenzhen buyers changed homes about every six and "
            "a half years. Its small first-home product and its luxury villas both sold mainly through "
            "referrals from existing owners, so every day of property service shapes the next sale."),
        "story": (
            "在一次访谈中，某地产公司的负责人谈到对客户的“终身锁定”：一个人大学毕业刚工作时买小户型公寓，成家生子后换三居室，"
            "事业有成时买独立别墅，退休后搬进适合老人的住宅，公司希望每个阶段都有合适的产品给他。他提到，深圳的客户平均"
            "大约每六年半换一次房。访谈者拿汽车行业作比较：北美的研究显示，车主大约每七年换一辆车，某车企每卖出100辆新车，"
            "就有65辆是老客户买的。后来这家地产公司针对二十七八岁、首次置业的单身人士，推出了约50平方米的小户型产品，"
            "开盘后约四成买家符合当初的设想。"),
        "outcome": (
            "这款小户型主要靠面向老业主的直邮广告和老业主的推荐卖出去。高端别墅项目也是如此：不少买家是十年前的老业主，"
            "收入和品位提高后不仅自己再买，还积极向朋友推荐，有的甚至相约买在一起做邻居。老业主的推荐成了这些项目卖得好的头号原因。"),
        "lesson": (
            "业主满意不是一次交易的结束，而是长期关系的开始。物业服务的每一天，都在为业主下一次的选择和推荐打基础。"),
        "questions": [
            "一位业主从入住到换房大约有六年多，我们在这期间能做哪些事，让他下次还选我们？",
            "老业主向亲友推荐时，物业一线员工能起什么作用？",
        ],
        "kind": "management",
        "topics": ["service_mindset", "community", "management"],
        "method_steps": [],
        "source": _S004,
    },
    # ---------------------------------------------------------------- exercise
    {
        "slug": "move-in-799-households",
        "title": "练习：799户、十天、150平方米的入住现场",
        "title_en": "Exercise: 799 households, 10 days, a 150 m² hall",
        "summary_en": (
            "The developer provides about 150 m² (unsold shop units) for move-in; this batch is 799 "
            "households over 10 days, about 80 a day by appointment, but days two and three fall on a "
            "weekend and may bring 150 or more. Trainees lay out the hall and the flow of stations, from "
            "checking the move-in notice to handing over keys, including waiting, escort and dispute areas."),
        "story": (
            "开发商提供了约150平方米的场地（利用还没卖出去的商铺）作为入住办理区。这次是第二批入住里的头一批，共799户，"
            "计划十天办完。入住通知书里已经约好了每户的日期，平均每天约80户；但第二、三天正好是周末，预计当天会来150户以上。"
            "请你规划这块场地，排好查验入住通知书、查验业主资料、验房、签收资料、收费、发放钥匙各环节的位置和人流方向。"
            "需要考虑：接待区和咨询台、导引标识、展板放在哪里、等候区、各办理环节的具体位置、验房陪同人员的等候区、"
            "资料存放区，以及争议处理区。"),
        "outcome": (
            "讲评时对照入住准备清单逐项检查：资料准备、展板制作、流程设计、入住培训（讲流程、讲要注意的地方、统一对外说法）、场地布置、"
            "模拟演练后再优化流程、现场组织、应急预案和问题处理小组，条件允许时再安排客户大使。场地要按周末高峰而不是平均数"
            "来设计，并通过模拟演练找出堵点再调整。"),
        "lesson": (
            "入住是业主对物业的第一印象。容量按高峰规划，场地按流程顺序布置；统一说词和单独的争议处理区，"
            "能让个别业主的问题不拖慢其他人。"),
        "questions": [
            "周末一天150户以上，按每户办理时间估算，需要几个资料和收费窗口、几名验房陪同人员？",
            "验房发现问题、情绪激动的业主，争议处理区应当放在哪里、由谁负责？",
            "画一张草图标出你的分区和人流方向，并说明为什么这样安排。",
        ],
        "kind": "exercise",
        "topics": ["move_in", "management"],
        "method_steps": [],
        "source": _S000,
    },
    {
        "slug": "collection-rate-14-cities",
        "title": "练习：14个城市的收费率对比",
        "title_en": "Exercise: collection rates across 14 cities",
        "summary_en": (
            "A training chart compares collection rates of a property company's projects in 14 cities on "
            "a 70-100% scale, averaging 95.3%. Trainees use it as a benchmark to diagnose their own project: "
            "how far from the average, where the arrears sit and why."),
        "story": (
            "一份培训材料把某物业公司在长春、东莞、广州、深圳、成都、中山、南昌、上海、武汉、北京、鞍山、沈阳、天津、大连"
            "共14个城市项目的收费率画在同一张图上，纵轴从70%到100%，各城市平均为95.3%。城市之间有高有低，说明同一套收费"
            "制度，在不同项目的执行效果并不一样。请以这张图为起点分析你自己的项目：收费率比平均水平差多少？欠费集中在哪些"
            "楼栋、哪类业主？原因是服务问题、沟通问题，还是缴费不方便？"),
        "outcome": (
            "讲评时引导学员把欠费原因分成几类，对照收费技巧（用服务打动业主、换位理解、整体协作、方便缴费、重视沟通）"
            "逐项找改进点，并把每月收费率放进项目例会跟踪。"),
        "lesson": (
            "收费率是服务质量的一面镜子。先弄清欠费的原因再对症下药，比一味加大催缴力度更有效。"),
        "questions": [
            "如果你的项目收费率低于95%，你认为最主要的三个原因是什么？",
            "哪些欠费原因需要工程、安全、环境等部门配合才能解决？",
            "怎样让业主缴费更方便？列出两项你马上就能做到的。",
        ],
        "kind": "exercise",
        "topics": ["fees", "management"],
        "method_steps": [],
        "source": _S000,
    },
    {
        "slug": "courtship-flowchart",
        "title": "练习：画一张“谈恋爱”的流程图",
        "title_en": "Exercise: draw the flowchart of a courtship",
        "summary_en": (
            "To teach process design, trainees draw the stages of falling in love as a flowchart. Most draw "
            "a straight line until the trainer asks what happens when a step goes wrong. A real process "
            "must be smooth between front and back office and complete, with every branch at every step "
            "covered."),
        "story": (
            "讲到服务流程设计时，讲师请学员做一个轻松的练习：把谈恋爱的过程画成一张流程图。大多数人画出的是一条直线——"
            "认识、交往、确定关系、走进婚姻。讲师接着追问：约对方出来被拒绝了怎么办？对方迟迟不回消息呢？见家长时出了状况呢？"
            "大家很快发现，现实里每一个环节都可能不止一个结果，一条直线根本走不通。练习随后回到工作：我们的报修、投诉、"
            "入住流程，是不是也只画了一切顺利的那条线？"),
        "outcome": (
            "讲评的结论是：好的流程要解决两个问题。一是顺畅，前后台之间不断档，下一道工序把上一道工序当作内部客户；"
            "二是全面，要想到每个环节可能出现的特殊情况和分支，并写明遇到时由谁、怎么处理。"),
        "lesson": (
            "流程设计不能只画理想路径。把每个节点的“如果不顺利”都列出来，流程才真正用得上。"),
        "questions": [
            "选一个你熟悉的流程（比如报修），列出每一步可能出现的不正常结果。",
            "这些分支中，哪些目前没有任何规定？应当由谁来补上？",
        ],
        "kind": "exercise",
        "topics": ["management", "communication"],
        "method_steps": [],
        "source": _S000,
    },
    {
        "slug": "never-say-not-our-business",
        "title": "练习：答不上来的问题，怎么回答",
        "title_en": "Exercise: answering the question you cannot answer",
        "summary_en": (
            "The front-desk rules say: stand, smile, lean in and listen; never say 'I don't know', 'not our "
            "business' or 'that's up to the bosses'. If you cannot answer, apologise, find out, or take the "
            "visitor's contact details and ask elsewhere on their behalf. Trainees role-play a visitor whose "
            "question lies outside the property company's duties."),
        "story": (
            "客服中心的接待规范里有这样几条：有人来访，要面带微笑起身，主动问候；交谈时站立、身体略向前倾、看着对方，"
            "耐心听完来意。对方咨询的问题要先听清再回答，一时答不准的，先道歉，请对方稍候，弄清楚了再告诉他。"
            "对来访者的疑问和困难，要真心帮忙，永远不说“不知道”“不归我们管”“得问上面”；确实不了解的，道歉后请对方"
            "留下联系方式，由我们帮他去别处打听。请两人一组做角色扮演：一人扮演来问一件物业职责以外事情的业主"
            "（比如商户停业后预付卡怎么办），另一人按规范接待。"),
        "outcome": (
            "讲评要点：“不归我们管”即使在事实上没错，说出口也等于把客户推出门外。正确的做法是说明情况、指出可以去找谁、"
            "留下联系方式、约定回复时间，并且真的按时回复。"),
        "lesson": (
            "职责有边界，服务态度没有边界。客户带着问题来，至少要带着一个去处离开。"),
        "questions": [
            "对照理发店事件，值班人员和主管的哪些话违反了这条规范？",
            "把“这不归我们管”改写成三种可以说出口的说法。",
            "答应了“帮您问问”之后，怎样保证自己不会忘了回复？",
        ],
        "kind": "exercise",
        "topics": ["communication", "service_mindset"],
        "method_steps": ["register", "feedback"],
        "source": _S001,
    },
    {
        "slug": "fee-counter-details",
        "title": "练习：收费窗口的每一个细节",
        "title_en": "Exercise: every detail at the fee counter",
        "summary_en": (
            "The fee-counter standard asks staff to know every charge and rate, to say please, to have pen "
            "and forms ready, to explain the charges and to hand over receipt and change with both hands and "
            "a word. Trainees role-play an owner who questions this month's bill, and suggest ways to make "
            "paying simpler."),
        "story": (
            "收费窗口的服务规范要求：熟悉收费项目和标准，办事既快又细，不放过任何影响服务质量的小环节。业主来缴物业费、"
            "水电费时，礼貌地请对方出示需要的证件，说话离不开“请”和“您”；提前准备好笔和表格，耐心引导填写；把收费标准"
            "解释清楚。开好发票收据后，连同找零用双手递过去，轻声提醒对方收好票据和找零，微笑看着对方核对，"
            "确认无误后向对方道谢。请两人一组练习：一人扮演对本月费用有疑问的业主，一人扮演收费员，按规范完成一次缴费。"),
        "outcome": (
            "讲评要点：收费员能否用一两句话讲清收费依据；遇到疑问是先解释还是先催缴；递接票据是否规范。"
            "同时鼓励收费员提出简化手续的建议——方便业主缴费本身就是一条收费技巧。"),
        "lesson": (
            "每一次缴费都是一次服务接触。解释清楚、手续简便、态度周到，业主下次才愿意主动来缴。"),
        "questions": [
            "业主质疑某项费用时，你会先说哪一句话？",
            "我们的缴费手续中，有哪一步可以马上简化？",
        ],
        "kind": "exercise",
        "topics": ["fees", "communication"],
        "method_steps": [],
        "source": _S001,
    },
    {
        "slug": "three-options-not-one",
        "title": "练习：准备三个方案，而不是一个",
        "title_en": "Exercise: prepare three options, not one",
        "summary_en": (
            "Step four of the eight-step method asks for several workable options while the customer is "
            "still talking, offered one at a time in a sensible order and always professionally sound. "
            "Using the power-cut complaint, trainees prepare three escalating proposals for the owner and "
            "agree steps and times with him."),
        "story": (
            "投诉处理八步法的第四步要求：客户一边说，我们一边想办法，最好准备几个可行的方案让客户挑选。问题复杂、当场拿不出"
            "方案，或者需要专业人员帮忙时，可以先记下来，和客户约好时间，有了方案再回来谈。方案不要一股脑儿全抛出去，而是把"
            "对客户有利的几个排好顺序，一个一个递进地给；经验是，到第三个方案时，多数客户已经愿意接受。方案本身还必须专业，"
            "不能为了把事情压下去就答应做不到或不该做的事。请以前面的停电投诉为背景：业主在网上投诉后，客服主管上门沟通，"
            "请为他准备三个递进的方案。"),
        "outcome": (
            "讲评要点：先弄清客户真正想要什么（A到G中的哪几种），再设计方案；每个方案都写明能做到什么、做不到什么、"
            "什么时候完成；一旦承诺就代表公司，必须兑现，遇到困难要及时告诉客户。"),
        "lesson": (
            "只有一个方案，谈话就只剩“接受或拒绝”；有几个递进的专业方案，客户会感到被重视，也更容易达成一致。"),
        "questions": [
            "针对停电投诉的业主，你的三个方案分别是什么？先给哪一个，为什么？",
            "哪些为了“平事儿”而作的承诺是不该答应的？举例说明。",
            "方案谈妥后，要和客户确认哪些时间节点？",
        ],
        "kind": "exercise",
        "topics": ["complaints", "communication"],
        "method_steps": ["propose", "agree", "implement"],
        "source": _S002,
    },
    {
        "slug": "complaint-via-frontline",
        "title": "练习：一线员工顺口转来的抱怨",
        "title_en": "Exercise: a complaint passed on in passing by frontline staff",
        "summary_en": (
            "Complaints arrive by phone, in person, through someone else, by letter, suggestion box, fax, "
            "online, or as a remark to a guard or cleaner. Trainees decide how such a remark is registered, "
            "who follows it up and replies, when it is called back, and when it must go straight to senior "
            "management."),
        "story": (
            "投诉不一定从服务电话进来。业主可能打电话、亲自上门、托别人转达、写信、往意见箱里投，也可能发传真、在网上投诉，"
            "或者只是对保安、保洁员顺口说一句。请讨论这样一个情景：下班前，一位保洁员告诉客服，某栋一位业主向他抱怨楼道灯"
            "坏了好几天没人修。这条抱怨该由谁登记？记录要包括哪些内容——何时何地、投诉人的姓名电话和住址、被投诉的人员"
            "和部门、投诉事项、业主的诉求、由谁接待和处理？谁来跟进和回复，怎样回访？如果当天这位业主又在网上发帖，"
            "引来了媒体，又该怎么办？"),
        "outcome": (
            "讲评要点：不管从哪个渠道来，都要统一登记、编号，受理的人就要一路跟进并给业主答复；暂时解决不了的，"
            "向客户说明情况并约定时间；处理完毕要百分之百回访。媒体曝光、直接经济损失较大或有损企业形象的事件要升级，"
            "由受理人直接报企业高层。"),
        "lesson": (
            "渠道越多，越需要一个统一的入口。一线员工听到的每一句抱怨都应当进入登记，否则它只会在下一次变成更大的投诉。"),
        "questions": [
            "我们项目现在有哪些投诉渠道？在大堂和电梯里公布了吗？",
            "保安、保洁转达的抱怨，现在会被登记吗？怎样改进？",
            "哪些情况必须直接报公司高层？请写出我们项目的升级标准。",
        ],
        "kind": "exercise",
        "topics": ["complaints", "communication", "cleaning"],
        "method_steps": ["register", "assign", "feedback", "callback"],
        "source": _S003,
    },
    {
        "slug": "numbered-complaint-forms",
        "title": "练习：一张投诉单的编号之旅",
        "title_en": "Exercise: the journey of one numbered complaint form",
        "summary_en": (
            "A residence's complaint rule sends every complaint, however it arrives, to one officer who logs "
            "it, issues a numbered handling notice matching the log and the original, and passes it to the "
            "team responsible for both a remedy and a corrective action. Major issues go to the manager, and "
            "the office reports back until the owner is satisfied; trainees walk one complaint through."),
        "story": (
            "某小区的投诉处理制度规定：不论业主写信、打电话、发传真还是当面提意见，一律由管理处的物管员统一登记、组织处理、"
            "回复结果。管理处备有投诉登记表，每条投诉都记下客户名称、投诉文件的编号、投诉性质或内容摘要、处理结果；"
            "再据此填写投诉处理通知单，通知单的编号要和登记表编号、投诉原件编号三者一致，方便跟踪查找。通知单连同原件交给"
            "相关班组，班组既要补救，也要采取纠正措施，并在约定时间内完成；重大问题或需要统一协调的，直接报经理决定。"
            "补救完成后结果报回管理处，由管理处联系业主，直到业主满意为止。请按这套制度，模拟一条投诉从登记到关闭的全过程。"),
        "outcome": (
            "讲评重点看两处：一是三处编号是否一致，任何时候都能查到这条投诉在谁手里；二是补救和纠正是否都做了——"
            "补救解决眼前这一户的问题，纠正则防止同类问题再次发生。"),
        "lesson": (
            "编号和登记不是形式主义：它保证每条投诉都有人负责、能被追踪，也为按月、按季的统计分析留下依据。"),
        "questions": [
            "补救措施和纠正措施有什么区别？各举一个例子。",
            "什么样的投诉属于“重大问题”，应当直接报经理？",
            "停电投诉如果用了这套编号制度，还会出现第二次来电被问“有什么事”吗？",
        ],
        "kind": "exercise",
        "topics": ["complaints", "management"],
        "method_steps": ["register", "assign", "implement", "feedback", "prevent"],
        "source": _S002,
    },
]


REFERENCE_CARDS: list[dict] = [
    {
        "slug": "eight-steps",
        "title": "投诉处理八步法",
        "title_en": "The eight steps of complaint handling",
        "body": "\n".join([
            "1. 表现出重视：身体略向前倾、神情专注，用眼神和简短的话鼓励对方说下去；跟上对方的语速和姿态，更容易产生共鸣。",
            "2. 耐心倾听，表示理解：不打断、不急躁；理解是体谅他的处境、表明听懂了，不是不分对错地附和。",
            "3. 弄清期望，尤其是特殊需求：听话听音，找出投诉背后真正想要的（见“客户想要什么”）。",
            "4. 结合客户意见想办法，最好有几个方案可选：复杂问题先记录、约时间再回复；方案按顺序递进给出，且必须专业，不为息事宁人乱承诺。",
            "5. 与客户商定解决步骤和时间：借此管理期望，讲清能做和不能做的；答应的事就是公司的承诺，遇到困难及时告知客户。",
            "6. 落实措施，解决问题：尽量做到极致、超出预期，让口碑从这里形成。",
            "7. 反馈结果，请客户确认：让投诉人知道并评价，也可以设法让其他业主了解处理结果。",
            "8. 找到根源，防止再次发生：靠机制而不是个人记性，同一个错误只犯一次，还要从别人的错误中学习。",
        ]),
        "body_en": "\n".join([
            "1. Show you take it seriously: lean in, look attentive, encourage the customer with eye contact and short prompts; matching their pace builds rapport.",
            "2. Listen patiently and show understanding: do not interrupt or get impatient; understanding means acknowledging their situation, not agreeing with everything.",
            "3. Find out what they expect, especially any special need: listen for what lies behind the words (see 'What customers want').",
            "4. Work out options with the customer's view in mind, ideally several: for complex cases record it and agree a time to come back; offer options one by one, and keep them professionally sound, with no promises just to calm things down.",
            "5. Agree the steps and timing: this manages expectations; be clear about what you can and cannot do; anything you promise is the company's promise, and tell the customer early about any difficulty.",
            "6. Carry out the measures and solve the problem: do it as well as you can and aim to exceed expectations; that is where reputation comes from.",
            "7. Report back and ask the customer to confirm the result: let the complainant judge it, and find ways to let other owners know too.",
            "8. Find the root cause and prevent a repeat: rely on a system, not memory; make each mistake only once and learn from others' mistakes as well.",
        ]),
    },
    {
        "slug": "seven-reasons",
        "title": "客户投诉的七个原因",
        "title_en": "Seven reasons customers complain",
        "body": "\n".join([
            "1. 期望没有得到满足，心里有落差。",
            "2. 之前对某个人或某件事已有不满，憋了很久终于爆发。",
            "3. 觉得不大声嚷嚷就没人理、没人重视。",
            "4. 我们或同事答应过的事没有兑现。",
            "5. 我们或同事对他冷淡、粗鲁、不礼貌。",
            "6. 两名员工说法不一，一个说东一个说西。",
            "7. 觉得物业办事没有章法，缺少专业、规范的训练。",
        ]),
        "body_en": "\n".join([
            "1. Their expectations were not met, and the gap turns into grievance.",
            "2. They were already unhappy with someone or something, held it in for a while, and it finally boiled over.",
            "3. They feel that unless they make a loud fuss nobody will listen or care.",
            "4. We, or a colleague, promised something and did not deliver.",
            "5. We, or a colleague, were cold, rude or impolite to them.",
            "6. Two staff members told them contradictory things.",
            "7. They think we handle matters without method and lack proper professional training.",
        ]),
    },
    {
        "slug": "customer-wants",
        "title": "客户想要什么（A到G）",
        "title_en": "What customers want (A to G)",
        "body": "\n".join([
            "A. 认真对待我",
            "B. 尊重我",
            "C. 马上动手解决我的问题",
            "D. 给我赔偿或补偿",
            "E. 处罚得罪我的那个人",
            "F. 保证问题不再发生",
            "G. 听取我的意见",
            "一位客户往往同时有好几种诉求：先判断是哪几种，再设计方案。",
        ]),
        "body_en": "\n".join([
            "A. Take me seriously",
            "B. Respect me",
            "C. Fix my problem now",
            "D. Compensate me",
            "E. Punish the person who offended me",
            "F. Make sure it never happens again",
            "G. Listen to my opinion",
            "One customer often wants several of these at once: work out which before designing the options.",
        ]),
    },
    {
        "slug": "collection-techniques",
        "title": "收费技巧",
        "title_en": "Fee collection techniques",
        "body": "\n".join([
            "用服务打动业主：收费的底气来自服务，先把业主反映的问题处理好。",
            "换位理解业主：站在业主的角度弄清迟缴、拒缴的原因，分清是有意见、有困难还是有误解。",
            "依靠整体协作：欠费常常源于工程、环境、安全等环节，要各部门一起解决，而不是只靠收费员。",
            "方便业主缴费：缴费方式、地点和时间尽量让业主省事。",
            "沟通是关键：把收费标准和依据讲清楚，对疑问及时回应。",
        ]),
        "body_en": "\n".join([
            "Win owners over through service: the right to collect rests on service, so resolve what owners have raised first.",
            "Put yourself in the owner's place: find out why they pay late or refuse, and tell a grievance from a hardship or a misunderstanding.",
            "Rely on teamwork: arrears often start in engineering, environment or security, so departments solve them together rather than leaving it to the collector.",
            "Make paying convenient: ways, places and times to pay should cost the owner as little effort as possible.",
            "Communication is key: explain the rates and their basis clearly and answer questions promptly.",
        ]),
    },
    {
        "slug": "collection-ladder",
        "title": "收费制度化：催缴节奏",
        "title_en": "Collection discipline: the dunning rhythm",
        "body": "\n".join([
            "每月：发送缴费通知单",
            "每两个月：电话催缴",
            "每季度：上门收取",
            "每半年：发送律师函",
            "每年：提起诉讼，以免超过诉讼时效",
            "参考：某物业公司14个城市项目的平均收费率为95.3%。",
        ]),
        "body_en": "\n".join([
            "Every month: send a payment notice",
            "Every two months: phone reminder",
            "Every quarter: collect in person at the door",
            "Every half year: lawyer's letter",
            "Every year: file a lawsuit, so that the limitation period does not run out",
            "Benchmark: a property company's projects in 14 cities averaged a 95.3% collection rate.",
        ]),
    },
    {
        "slug": "general-complaint-process",
        "title": "客户投诉通用处理流程",
        "title_en": "The general complaint-handling process",
        "body": "\n".join([
            "1. 记录投诉：何时何地、投诉人的姓名电话和住址、被投诉的人员和部门、投诉事项、客户的诉求、由谁接待和处理。",
            "2. 判定性质：先分类，再判断是否合理；不合理的尽快婉转说明理由，真诚争取谅解。",
            "3. 调查分析原因：通过各种渠道了解情况，必要时到现场，找到问题症结。",
            "4. 确定处理责任人：明确由哪个人或哪个部门专项落实。",
            "5. 提出解决方案：责任人或部门根据客户的要求拿出具体方案。",
            "6. 与客户协商：用电话、信函、走访等方式及时联系，客户认可后立即实施。",
            "7. 实施改善并回访：处理完毕后回访，了解效果、遗漏和满意程度。",
            "8. 跟踪总结评价：按月或按季度把投诉记录归类存档，总结、检讨、评价。",
            "原则：受理人负责跟进到底并答复客户；暂时解决不了的向客户说明并约定时间；投诉百分之百回访。",
            "升级：媒体曝光、直接经济损失较大、有损企业形象的事件，由受理人直接报企业高层。",
            "常见投诉来源：日常物业服务、收费、社区文化活动、突发事件的处置、邻里（相邻）关系。",
            "受理渠道：电话、上门、托人转达、信函、意见箱、传真、网上，以及保安、保洁等一线人员转达；渠道要在大堂、电梯等醒目位置公布。",
        ]),
        "body_en": "\n".join([
            "1. Record the complaint: time, place, complainant's name, phone, address, person and department complained about, content, what the customer asks for, who received or handles it.",
            "2. Judge its nature: classify it, then decide whether it is justified; if not, explain the reasons tactfully and quickly and sincerely seek understanding.",
            "3. Investigate the cause: gather facts through every channel, go on site where needed, find the crux.",
            "4. Assign responsibility: name the person or department who will see it through.",
            "5. Propose a solution: the responsible person or department drafts a concrete plan against the customer's request.",
            "6. Agree it with the customer: contact them promptly by phone, letter or visit; act as soon as they accept.",
            "7. Implement and call back: after completion, call back to check the effect, anything missed and how satisfied they are.",
            "8. Track, review and evaluate: file complaints by category monthly or quarterly; summarise, review and evaluate.",
            "Principle: whoever receives it follows it up and replies; if it cannot be solved yet, explain and agree a time; every complaint gets a callback.",
            "Escalation: media exposure, a large direct financial loss or damage to the company's image goes from the receiver straight to senior management.",
            "Common sources: property management service, service fees, community activities, emergencies, relations between neighbours.",
            "Channels: phone, in person, through someone else, letter, suggestion box, fax, online, or via guards and cleaners; publish the channels in lobbies and lifts.",
        ]),
    },
    {
        "slug": "move-in-flow",
        "title": "入住办理流程",
        "title_en": "The move-in flow",
        "body": "\n".join([
            "1. 查验入住通知书",
            "2. 查验业主资料与证件",
            "3. 验房：由验房人员陪同业主查验房屋",
            "4. 签收资料",
            "5. 缴纳费用",
            "6. 发放钥匙",
            "场地按这一顺序布置，人流单向前进，另设等候区和争议处理区。",
        ]),
        "body_en": "\n".join([
            "1. Check the move-in notice",
            "2. Verify the owner's documents",
            "3. Inspection: an escort accompanies the owner through the home",
            "4. Sign for the documents",
            "5. Pay the fees",
            "6. Receive the keys",
            "Lay out the hall in this order with one-way flow, plus a waiting area and a dispute area.",
        ]),
    },
    {
        "slug": "move-in-preparation",
        "title": "入住准备事项",
        "title_en": "Move-in preparation items",
        "body": "\n".join([
            "资料准备",
            "展板制作",
            "流程设计",
            "入住培训：讲清流程和要注意的地方，统一对外说法",
            "场地布置：接待区与咨询台、导引标识、展板位置、等候区、各环节办理位置、验房陪同人员等候区、资料存放区、争议处理区",
            "模拟演练，并据此优化流程",
            "现场组织",
            "应急预案与问题处理小组",
            "客户大使（有条件的项目）",
            "容量按高峰规划：例如799户分10天办理，平日约80户，周末可能超过150户。",
        ]),
        "body_en": "\n".join([
            "Prepare the documents",
            "Make the display boards",
            "Design the process",
            "Train the team: the process, points to watch, one agreed script",
            "Lay out the site: reception and information desk, signage, display boards, waiting area, a place for each station, a waiting area for inspection escorts, document storage, a dispute area",
            "Rehearse, and refine the process from what the rehearsal shows",
            "Organise the day on site",
            "Contingency plan and a problem-handling team",
            "Customer ambassadors (where the project can afford them)",
            "Plan for the peak: e.g. 799 households over 10 days, about 80 on a weekday but 150 or more on a weekend day.",
        ]),
    },
]
