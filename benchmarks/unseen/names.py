"""Name material for generate.py: hand lists, romanisation tables and name transforms.

Independent of Sweep's transforms/generate.py (which uses Faker en_GB pools and a London
postcode universe). Nothing here is imported from Sweep.
"""

from __future__ import annotations

import unicodedata

# --------------------------------------------------------------------------------------
# Folding (diacritics)
# --------------------------------------------------------------------------------------
_SPECIAL = {
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "ß": "ss",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "İ": "I",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "ð": "d",
}
_GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


def fold(s: str, german: bool = False) -> str:
    if german:
        s = "".join(_GERMAN.get(c, c) for c in s)
    s = "".join(_SPECIAL.get(c, c) for c in s)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def has_diacritics(s: str) -> bool:
    return fold(s) != s


# --------------------------------------------------------------------------------------
# Hand name lists for cultures Faker has no usable Latin list for
# --------------------------------------------------------------------------------------
# Arabic-origin names: canonical key -> spellings (first is the most common in UK records).
ARABIC_VARIANTS: dict[str, list[str]] = {
    "MUHAMMAD": ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad", "Mohd"],
    "AHMED": ["Ahmed", "Ahmad", "Ahmet", "Ahmid"],
    "HUSSAIN": ["Hussain", "Hussein", "Husain", "Hossain", "Hussen"],
    "HASSAN": ["Hassan", "Hasan", "Hassen"],
    "YUSUF": ["Yusuf", "Yousef", "Youssef", "Yusef", "Yousuf"],
    "UMAR": ["Omar", "Umar", "Omer"],
    "UTHMAN": ["Osman", "Uthman", "Othman", "Usman"],
    "KHALID": ["Khalid", "Khaled"],
    "IBRAHIM": ["Ibrahim", "Ebrahim", "Ibraheem"],
    "ISMAIL": ["Ismail", "Ismael", "Esmail", "Ismaeel"],
    "MUSTAFA": ["Mustafa", "Mostafa", "Moustafa", "Mustapha"],
    "ABDULLAH": ["Abdullah", "Abdallah", "Abdulla"],
    "RASHID": ["Rashid", "Rasheed", "Rachid"],
    "SAID": ["Saeed", "Said", "Sayeed"],
    "SAYYID": ["Syed", "Sayed", "Sayyid", "Seyed"],
    "NASIR": ["Nasir", "Nasser", "Naser", "Naseer"],
    "TARIQ": ["Tariq", "Tarik", "Tareq"],
    "FAISAL": ["Faisal", "Faysal", "Feisal"],
    "JAMAL": ["Jamal", "Gamal", "Jamaal"],
    "KARIM": ["Karim", "Kareem", "Kerim"],
    "SALIM": ["Salim", "Saleem", "Selim"],
    "HAKIM": ["Hakim", "Hakeem"],
    "QASIM": ["Qasim", "Kasim", "Qassim", "Kassim"],
    "HAIDAR": ["Haider", "Haidar", "Hyder"],
    "IQBAL": ["Iqbal", "Ikbal"],
    "BILAL": ["Bilal", "Belal"],
    "HAMZA": ["Hamza", "Hamzah"],
    "ZAID": ["Zaid", "Zayd", "Zeid"],
    "IMRAN": ["Imran", "Emran"],
    "IRFAN": ["Irfan", "Erfan"],
    "ADNAN": ["Adnan"],
    "ABDULRAHMAN": ["Abdul Rahman", "Abdulrahman", "Abdul-Rahman", "Abdelrahman"],
    "ABDULAZIZ": ["Abdul Aziz", "Abdulaziz", "Abdel-Aziz", "Abdelaziz"],
    "ABDULKARIM": ["Abdul Karim", "Abdulkarim", "Abdel Karim"],
    "SHAHID": ["Shahid", "Shaheed"],
    "ZAHID": ["Zahid", "Zaheed"],
    "WASIM": ["Wasim", "Waseem"],
    "NADEEM": ["Nadeem", "Nadim"],
    "JAVED": ["Javed", "Javaid", "Jawad"],
    "AMJAD": ["Amjad"],
    "ASIF": ["Asif", "Aasif"],
    "FAROOQ": ["Farooq", "Faruk", "Farouk", "Faruq"],
    "YASIN": ["Yasin", "Yaseen", "Yassin"],
    "ABDI": ["Abdi"],
    "ABDIRAHMAN": ["Abdirahman", "Abdi Rahman", "Abdirahmaan"],
    "MAHAMED": ["Mahamed", "Maxamed", "Mohamed"],
    "FATIMA": ["Fatima", "Fatimah", "Fatma", "Fatuma"],
    "AISHA": ["Aisha", "Ayesha", "Aicha", "Aysha", "Aishah"],
    "ZAINAB": ["Zainab", "Zeinab", "Zaynab"],
    "MARYAM": ["Maryam", "Mariam", "Maryum"],
    "KHADIJA": ["Khadija", "Khadijah", "Khadeeja", "Khadiga"],
    "NUR": ["Noor", "Nur", "Nour"],
    "AMINA": ["Amina", "Aminah", "Ameena"],
    "HAFSA": ["Hafsa", "Hafsah"],
    "SAMIRA": ["Samira", "Sameera", "Samirah"],
    "YASMIN": ["Yasmin", "Yasmeen", "Jasmin"],
    "RUQAYYA": ["Ruqayyah", "Rukia", "Ruqaya"],
    "SUMAYYA": ["Sumaya", "Sumayyah", "Somaya"],
    "NADIA": ["Nadia", "Nadiya"],
    "SHAZIA": ["Shazia"],
    "NASRIN": ["Nasreen", "Nasrin"],
    "RUKHSANA": ["Rukhsana", "Rukhsanah"],
    "SAIMA": ["Saima", "Saimah"],
    "HALIMA": ["Halima", "Halimah", "Xalimo"],
    "HODAN": ["Hodan", "Xodan"],
    "IFRAH": ["Ifrah"],
    "FARHIA": ["Farhia", "Farxiyo"],
    # surnames
    "KHAN": ["Khan"],
    "ALI": ["Ali", "Aly"],
    "SHAH": ["Shah"],
    "AKHTAR": ["Akhtar", "Akhter", "Akter"],
    "MAHMOOD": ["Mahmood", "Mahmud", "Mehmood", "Mahmoud"],
    "BEGUM": ["Begum"],
    "BIBI": ["Bibi"],
    "RAHMAN": ["Rahman", "Rehman", "Rahmen"],
    "ISLAM": ["Islam"],
    "UDDIN": ["Uddin", "Udin", "Ud-Din"],
    "MIAH": ["Miah", "Mia", "Meah"],
    "CHOWDHURY": ["Chowdhury", "Choudhury", "Chaudhry", "Chaudhary", "Choudhry"],
    "QURESHI": ["Qureshi", "Kureshi", "Quraishi"],
    "MALIK": ["Malik", "Malick"],
    "BUTT": ["Butt"],
    "RAJA": ["Raja"],
    "ASLAM": ["Aslam"],
    "SHEIKH": ["Sheikh", "Shaikh", "Shaykh"],
    "SIDDIQUI": ["Siddiqui", "Siddiqi", "Siddique"],
    "MIRZA": ["Mirza"],
    "BAIG": ["Baig", "Beg"],
    "BHATTI": ["Bhatti"],
    "ANWAR": ["Anwar", "Anwer"],
    "NAWAZ": ["Nawaz"],
    "HAQ": ["Haq", "Hoque", "Haque", "Huq"],
    "LATIF": ["Latif", "Lateef"],
    "HANIF": ["Hanif", "Haneef"],
    "ARSHAD": ["Arshad"],
    "AKRAM": ["Akram"],
    "ASHRAF": ["Ashraf"],
    "PARVEEN": ["Parveen", "Parvin", "Perveen"],
    "ZAMAN": ["Zaman"],
    "ALHASSAN": ["Al-Hassan", "Al Hassan", "Alhassan", "El-Hassan"],
    "ALRASHID": ["Al-Rashid", "Al Rashid", "Alrashid", "Al-Rasheed"],
    "ELSAYED": ["El-Sayed", "El Sayed", "Elsayed", "Al-Sayed"],
    "ALAMIN": ["Al-Amin", "Al Amin", "Alamin", "El-Amin"],
    "ALJABOURI": ["Al-Jabouri", "Al Jaburi", "Aljabouri", "Al-Jubouri"],
    "ABDELAZIZ": ["Abdel-Aziz", "Abdelaziz", "Abdul Aziz", "Abd El Aziz"],
    "ALMASRI": ["Al-Masri", "Al Masri", "Elmasri"],
    "HADDAD": ["Haddad", "Hadad"],
    "NASSER": ["Nasser", "Nasir", "Naser"],
    "WARSAME": ["Warsame", "Warsama"],
    "FARAH": ["Farah", "Faarax"],
    "GUREY": ["Gurey", "Guray"],
    "JAMA": ["Jama", "Jaamac"],
    "ADAN": ["Adan", "Aden", "Aadan"],
    "ISSE": ["Isse", "Ciise", "Issa"],
    "DUALE": ["Duale", "Dualeh", "Duaale"],
    "HIRSI": ["Hirsi", "Xirsi"],
    "OSMAN": ["Osman", "Cismaan", "Othman"],
}
SA_MUSLIM_MALE = ["MUHAMMAD"] * 6 + [
    "AHMED",
    "HUSSAIN",
    "HASSAN",
    "YUSUF",
    "UMAR",
    "UTHMAN",
    "IBRAHIM",
    "ISMAIL",
    "ABDULLAH",
    "RASHID",
    "SAYYID",
    "NASIR",
    "TARIQ",
    "FAISAL",
    "KARIM",
    "SALIM",
    "QASIM",
    "HAIDAR",
    "IQBAL",
    "BILAL",
    "HAMZA",
    "ZAID",
    "IMRAN",
    "IRFAN",
    "ADNAN",
    "ABDULRAHMAN",
    "SHAHID",
    "ZAHID",
    "WASIM",
    "NADEEM",
    "JAVED",
    "AMJAD",
    "ASIF",
    "FAROOQ",
    "YASIN",
    "ALI",
]
SA_MUSLIM_FEMALE = [
    "FATIMA",
    "AISHA",
    "ZAINAB",
    "MARYAM",
    "KHADIJA",
    "NUR",
    "AMINA",
    "HAFSA",
    "SAMIRA",
    "YASMIN",
    "RUQAYYA",
    "SUMAYYA",
    "NADIA",
    "SHAZIA",
    "NASRIN",
    "RUKHSANA",
    "SAIMA",
    "PARVEEN",
]
SA_MUSLIM_SURNAME = (
    ["KHAN"] * 6
    + ["HUSSAIN"] * 4
    + ["AHMED"] * 4
    + ["ALI"] * 4
    + [
        "SHAH",
        "AKHTAR",
        "MAHMOOD",
        "RAHMAN",
        "ISLAM",
        "UDDIN",
        "MIAH",
        "CHOWDHURY",
        "QURESHI",
        "MALIK",
        "BUTT",
        "RAJA",
        "ASLAM",
        "SHEIKH",
        "SIDDIQUI",
        "MIRZA",
        "BAIG",
        "BHATTI",
        "ANWAR",
        "NAWAZ",
        "HAQ",
        "LATIF",
        "HANIF",
        "ARSHAD",
        "AKRAM",
        "ASHRAF",
        "ZAMAN",
        "IQBAL",
        "RASHID",
        "YUSUF",
        "HASSAN",
        "SAYYID",
        "FAROOQ",
        "JAVED",
    ]
)
ARAB_MALE = ["MUHAMMAD"] * 4 + [
    "AHMED",
    "UMAR",
    "KHALID",
    "IBRAHIM",
    "MUSTAFA",
    "ABDULLAH",
    "SAID",
    "NASIR",
    "JAMAL",
    "KARIM",
    "HAMZA",
    "ZAID",
    "ABDULRAHMAN",
    "ABDULAZIZ",
    "ABDULKARIM",
    "YUSUF",
    "HASSAN",
    "ALI",
    "TARIQ",
    "FAISAL",
    "BILAL",
]
ARAB_FEMALE = [
    "FATIMA",
    "AISHA",
    "ZAINAB",
    "MARYAM",
    "KHADIJA",
    "NUR",
    "AMINA",
    "SAMIRA",
    "YASMIN",
    "NADIA",
    "SUMAYYA",
]
ARAB_SURNAME = [
    "ALHASSAN",
    "ALRASHID",
    "ELSAYED",
    "ALAMIN",
    "ALJABOURI",
    "ABDELAZIZ",
    "ALMASRI",
    "HADDAD",
    "NASSER",
    "IBRAHIM",
    "MUSTAFA",
    "KHALID",
    "SAID",
    "HASSAN",
    "HUSSAIN",
    "MAHMOOD",
    "ALI",
    "UMAR",
    "AHMED",
    "YUSUF",
]
SOMALI_MALE = ["MAHAMED"] * 3 + [
    "ABDI",
    "ABDIRAHMAN",
    "AHMED",
    "HASSAN",
    "UMAR",
    "ALI",
    "YUSUF",
    "ISMAIL",
    "IBRAHIM",
    "FAISAL",
    "ABDULLAH",
]
SOMALI_FEMALE = [
    "FATIMA",
    "HALIMA",
    "HODAN",
    "IFRAH",
    "FARHIA",
    "AMINA",
    "KHADIJA",
    "SAMIRA",
    "NUR",
    "MARYAM",
]
SOMALI_SURNAME = [
    "WARSAME",
    "FARAH",
    "GUREY",
    "JAMA",
    "ADAN",
    "ISSE",
    "DUALE",
    "HIRSI",
    "OSMAN",
    "MAHAMED",
    "ABDI",
    "HASSAN",
    "ALI",
    "AHMED",
    "UMAR",
    "YUSUF",
    "IBRAHIM",
    "ISMAIL",
]

WELSH_MALE = [
    "Rhys",
    "Dafydd",
    "Gareth",
    "Iwan",
    "Siôn",
    "Gethin",
    "Emyr",
    "Owain",
    "Huw",
    "Aled",
    "Dylan",
    "Gwilym",
    "Ieuan",
    "Llŷr",
    "Rhodri",
    "Tomos",
    "Elis",
    "Osian",
    "Steffan",
    "Geraint",
    "Idris",
    "Meirion",
    "Bryn",
    "Cai",
    "Morgan",
    "Evan",
    "David",
    "Thomas",
]
WELSH_FEMALE = [
    "Cerys",
    "Siân",
    "Angharad",
    "Bethan",
    "Ffion",
    "Gwenllian",
    "Llinos",
    "Nia",
    "Rhiannon",
    "Seren",
    "Megan",
    "Elin",
    "Catrin",
    "Manon",
    "Mared",
    "Lowri",
    "Eleri",
    "Heledd",
    "Non",
    "Glesni",
    "Sioned",
    "Carys",
    "Gwen",
    "Mali",
    "Alys",
    "Ceri",
]
WELSH_SURNAME = (
    ["Jones"] * 8
    + ["Williams"] * 6
    + ["Davies"] * 6
    + ["Evans"] * 5
    + ["Thomas"] * 4
    + ["Roberts"] * 4
    + ["Hughes"] * 3
    + ["Lewis"] * 3
    + ["Morgan"] * 3
    + [
        "Griffiths",
        "Price",
        "Rees",
        "Jenkins",
        "Lloyd",
        "Pritchard",
        "Bowen",
        "Powell",
        "Parry",
        "Owen",
        "Morris",
        "Edwards",
        "Phillips",
        "James",
        "Howells",
        "Pugh",
        "Prosser",
        "Vaughan",
        "Gwynne",
        "Llewellyn",
        "ap Rhys",
        "Bevan",
        "Probert",
        "Watkins",
        "Meredith",
        "Gittins",
    ]
)

IRISH_FADA_MALE = [
    "Seán",
    "Pádraig",
    "Ciarán",
    "Éamonn",
    "Tomás",
    "Cathal",
    "Dónal",
    "Colm",
    "Oisín",
    "Cian",
    "Ruairí",
    "Darragh",
    "Fionn",
    "Séamus",
    "Diarmuid",
    "Niall",
]
IRISH_FADA_FEMALE = [
    "Siobhán",
    "Aoife",
    "Niamh",
    "Caoimhe",
    "Róisín",
    "Éabha",
    "Órla",
    "Máire",
    "Sinéad",
    "Saoirse",
    "Clodagh",
    "Gráinne",
    "Áine",
    "Bríd",
    "Méabh",
    "Síle",
]

# Chinese: Han character (as Faker zh_CN gives) -> [pinyin, other romanisations]
CHINESE_SURNAMES: dict[str, list[str]] = {
    "王": ["Wang", "Wong"],
    "李": ["Li", "Lee", "Lei"],
    "张": ["Zhang", "Chang", "Cheung"],
    "刘": ["Liu", "Lau", "Lew"],
    "陈": ["Chen", "Chan", "Chin"],
    "杨": ["Yang", "Yeung", "Young"],
    "黄": ["Huang", "Wong", "Hwang"],
    "吴": ["Wu", "Ng", "Woo"],
    "赵": ["Zhao", "Chao", "Chiu"],
    "周": ["Zhou", "Chow", "Chou"],
    "徐": ["Xu", "Hsu", "Tsui"],
    "孙": ["Sun", "Suen"],
    "马": ["Ma", "Mah"],
    "朱": ["Zhu", "Chu", "Chue"],
    "胡": ["Hu", "Woo", "Hoo"],
    "郭": ["Guo", "Kuo", "Kwok"],
    "何": ["He", "Ho", "Hoh"],
    "林": ["Lin", "Lam", "Lim"],
    "高": ["Gao", "Kao", "Ko"],
    "罗": ["Luo", "Lo", "Law"],
    "郑": ["Zheng", "Cheng", "Chang"],
    "梁": ["Liang", "Leung"],
    "谢": ["Xie", "Hsieh", "Tse"],
    "宋": ["Song", "Sung"],
    "唐": ["Tang", "Tong"],
    "韩": ["Han", "Hon"],
    "冯": ["Feng", "Fung"],
    "邓": ["Deng", "Teng", "Tang"],
    "曹": ["Cao", "Tsao", "Cho"],
    "叶": ["Ye", "Yip", "Yeh"],
    "蔡": ["Cai", "Tsai", "Choi", "Choy"],
    "潘": ["Pan", "Poon", "Pun"],
    "杜": ["Du", "Tu", "To"],
    "蒋": ["Jiang", "Chiang", "Cheung"],
    "卢": ["Lu", "Lo", "Lou"],
    "余": ["Yu", "Yue", "Yee"],
    "萧": ["Xiao", "Hsiao", "Siu"],
    "程": ["Cheng", "Ching"],
    "魏": ["Wei", "Ngai"],
    "谭": ["Tan", "Tam"],
    "袁": ["Yuan", "Yuen"],
    "许": ["Xu", "Hui", "Hsu"],
    "邱": ["Qiu", "Yau", "Chiu"],
    "沈": ["Shen", "Shum", "Sham"],
    "彭": ["Peng", "Pang"],
    "吕": ["Lu", "Lui", "Leu"],
    "苏": ["Su", "So"],
    "钟": ["Zhong", "Chung"],
}
CHINESE_GIVEN_MALE = [
    "Wei",
    "Qiang",
    "Lei",
    "Yang",
    "Yong",
    "Jun",
    "Jie",
    "Tao",
    "Chao",
    "Ming",
    "Gang",
    "Ping",
    "Hui",
    "Peng",
    "Hua",
    "Fei",
    "Xin",
    "Bo",
    "Bin",
    "Yu",
    "Hao",
    "Zhiwei",
    "Jianguo",
    "Xiaoming",
    "Haoran",
    "Zihao",
    "Yuxuan",
    "Junjie",
    "Wenbo",
    "Jianhua",
    "Zhiqiang",
    "Guoqing",
    "Kaiwen",
    "Jiahao",
    "Tianyu",
    "Zhenyu",
    "Shaowei",
    "Weiming",
]
CHINESE_GIVEN_FEMALE = [
    "Fang",
    "Na",
    "Min",
    "Jing",
    "Li",
    "Yan",
    "Juan",
    "Xia",
    "Qian",
    "Ying",
    "Hong",
    "Lan",
    "Yun",
    "Mei",
    "Xiaoli",
    "Xiaoyan",
    "Lijuan",
    "Meiling",
    "Yuting",
    "Xinyi",
    "Jiayi",
    "Yiting",
    "Huiying",
    "Xiaohong",
    "Shuang",
    "Wenjing",
    "Lingling",
    "Yuqing",
    "Zixuan",
    "Ruoxi",
]
PINYIN_SYLLABLES = sorted(
    {
        "a",
        "ai",
        "an",
        "ang",
        "ao",
        "ba",
        "bo",
        "bin",
        "chao",
        "chen",
        "cheng",
        "dong",
        "fang",
        "fei",
        "feng",
        "gang",
        "guo",
        "hai",
        "han",
        "hao",
        "hong",
        "hua",
        "hui",
        "jia",
        "jian",
        "jiang",
        "jie",
        "jin",
        "jing",
        "jun",
        "juan",
        "kai",
        "lan",
        "lei",
        "li",
        "lian",
        "liang",
        "lin",
        "ling",
        "lu",
        "man",
        "mei",
        "min",
        "ming",
        "na",
        "ning",
        "peng",
        "ping",
        "qian",
        "qiang",
        "qing",
        "ran",
        "rong",
        "ruo",
        "shao",
        "shuang",
        "tao",
        "tian",
        "ting",
        "wei",
        "wen",
        "xi",
        "xia",
        "xian",
        "xiang",
        "xiao",
        "xin",
        "xuan",
        "yan",
        "yang",
        "yi",
        "ying",
        "yong",
        "yu",
        "yun",
        "zhen",
        "zhi",
        "zi",
        "qi",
        "ke",
        "yuan",
        "ze",
        "tong",
        "shu",
        "fu",
        "de",
    },
    key=len,
    reverse=True,
)
# Wade-Giles-ish respelling of pinyin initials (Taiwan / older passports)
_WG = [
    ("zh", "ch"),
    ("q", "ch'"),
    ("x", "hs"),
    ("z", "ts"),
    ("c", "ts'"),
    ("j", "ch"),
    ("r", "j"),
    ("b", "p"),
    ("d", "t"),
    ("g", "k"),
]


def pinyin_split(given: str) -> list[str]:
    """'Xiaoming' -> ['Xiao', 'ming'] by greedy longest syllable match (good enough)."""
    s, out = given.lower(), []
    while s:
        for syl in PINYIN_SYLLABLES:
            if s.startswith(syl):
                out.append(syl)
                s = s[len(syl) :]
                break
        else:
            out.append(s)
            break
    return out


def wade_giles(syl: str) -> str:
    for a, b in _WG:
        if syl.startswith(a):
            syl = b + syl[len(a) :]
            break
    import re

    return re.sub("ian(?!g)", "ien", syl).replace("ong", "ung").replace("'", "")


# Vietnamese (Faker vi_VN has Latin names with diacritics; nothing to add)

# --------------------------------------------------------------------------------------
# Cyrillic romanisation: three habits
# --------------------------------------------------------------------------------------
_CYR_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "д": "d",
    "з": "z",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "ь": "",
    "ъ": "",
    "ы": "y",
    "э": "e",
    "'": "",
    "’": "",
}
CYR_SCHEMES: dict[str, dict[str, str]] = {
    # English-speaking habit (BGN/PCGN-like)
    "en": {
        "г": "g",
        "ґ": "g",
        "е": "e",
        "ё": "yo",
        "є": "ye",
        "ж": "zh",
        "и": "i",
        "і": "i",
        "ї": "yi",
        "й": "y",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ю": "yu",
        "я": "ya",
    },
    # ICAO passport habit
    "icao": {
        "г": "g",
        "ґ": "g",
        "е": "e",
        "ё": "e",
        "є": "ie",
        "ж": "zh",
        "и": "i",
        "і": "i",
        "ї": "i",
        "й": "i",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ю": "iu",
        "я": "ia",
    },
    # German habit
    "de": {
        "г": "g",
        "ґ": "g",
        "е": "e",
        "ё": "jo",
        "є": "je",
        "ж": "sch",
        "и": "i",
        "і": "i",
        "ї": "ji",
        "й": "j",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ю": "ju",
        "я": "ja",
        "в": "w",
        "з": "s",
    },
}
_CYR_VOWELS = set("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ")


def romanise_cyrillic(s: str, scheme: str, lang: str) -> str:
    table = dict(_CYR_COMMON)
    table.update(CYR_SCHEMES[scheme])
    if lang == "uk":
        # Ukrainian: г is h, и is y (national system) in the en habit
        if scheme == "en":
            table.update({"г": "h", "и": "y"})
        elif scheme == "icao":
            table.update({"и": "y"})
    if lang == "bg":
        table.update({"щ": "sht", "ъ": "a"})
    out = []
    prev = " "
    for ch in s:
        low = ch.lower()
        r = table.get(low, low)
        # initial е / after a vowel: ye (en), je (de)
        if low == "е" and (prev == " " or prev in _CYR_VOWELS or prev in "ьъ"):
            r = {"en": "ye", "icao": "e", "de": "je"}[scheme]
        if scheme == "en" and low == "й" and prev in "иы":
            r = "y"
        if ch != low and r:
            r = r[0].upper() + r[1:]
        out.append(r)
        prev = low
    res = "".join(out)
    if scheme == "en":
        res = res.replace("iy ", "y ").replace("yy", "y")
        if res.endswith("iy") and lang == "ru":
            res = res[:-2] + "y"
    return res


# --------------------------------------------------------------------------------------
# Greek romanisation: two habits
# --------------------------------------------------------------------------------------
def _strip_greek_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


_GR_ELOT_DI = {
    "ου": "ou",
    "αι": "ai",
    "ει": "ei",
    "οι": "oi",
    "αυ": "av",
    "ευ": "ev",
    "μπ": "mp",
    "ντ": "nt",
    "γκ": "gk",
    "γγ": "ng",
}
_GR_PHON_DI = {
    "ου": "ou",
    "αι": "e",
    "ει": "i",
    "οι": "i",
    "αυ": "av",
    "ευ": "ev",
    "μπ": "b",
    "ντ": "d",
    "γκ": "g",
    "γγ": "ng",
}
_GR_ELOT = {
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "th",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "x",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "ς": "s",
    "τ": "t",
    "υ": "y",
    "φ": "f",
    "χ": "ch",
    "ψ": "ps",
    "ω": "o",
}
_GR_PHON = dict(_GR_ELOT, **{"υ": "i", "χ": "h", "ξ": "x", "δ": "d", "β": "v"})


def romanise_greek(s: str, scheme: str) -> str:
    s = _strip_greek_accents(s)
    di = _GR_ELOT_DI if scheme == "elot" else _GR_PHON_DI
    one = _GR_ELOT if scheme == "elot" else _GR_PHON
    out, i = [], 0
    while i < len(s):
        pair = s[i : i + 2].lower()
        upper = s[i].isupper()
        if pair in di:
            r, i = di[pair], i + 2
            if scheme == "phon" and pair in ("μπ", "ντ") and out and out[-1] not in (" ",):
                r = {"μπ": "mb", "ντ": "nd"}[pair]
        else:
            c = s[i].lower()
            r, i = one.get(c, c), i + 1
            if scheme == "phon" and c == "γ" and s[i : i + 1].lower() in ("ε", "ι", "η", "υ"):
                r = "y"
        if upper and r:
            r = r[0].upper() + r[1:]
        out.append(r)
    return "".join(out)


# --------------------------------------------------------------------------------------
# Korean: Revised Romanisation by syllable decomposition, and a "popular" habit
# --------------------------------------------------------------------------------------
_KO_L = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_KO_V = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_KO_T = [
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]
KOREAN_SURNAMES: dict[str, list[str]] = {
    "김": ["Kim", "Gim"],
    "이": ["Lee", "Yi", "Rhee"],
    "박": ["Park", "Pak", "Bak"],
    "최": ["Choi", "Choe"],
    "정": ["Jung", "Jeong", "Chung"],
    "강": ["Kang", "Gang"],
    "조": ["Cho", "Jo"],
    "윤": ["Yoon", "Yun"],
    "장": ["Jang", "Chang"],
    "임": ["Lim", "Im"],
    "한": ["Han"],
    "오": ["Oh", "O"],
    "서": ["Seo", "Suh"],
    "신": ["Shin", "Sin"],
    "권": ["Kwon", "Gwon"],
    "황": ["Hwang"],
    "안": ["Ahn", "An"],
    "송": ["Song"],
    "류": ["Ryu", "Yoo", "Yu"],
    "홍": ["Hong"],
    "전": ["Jeon", "Jun", "Chun"],
    "고": ["Ko", "Go"],
    "문": ["Moon", "Mun"],
    "손": ["Son", "Sohn"],
    "양": ["Yang"],
    "배": ["Bae", "Pae"],
    "백": ["Baek", "Paik"],
    "허": ["Heo", "Huh"],
    "유": ["Yoo", "Yu"],
    "남": ["Nam"],
    "심": ["Shim", "Sim"],
    "노": ["Noh", "Roh", "No"],
    "하": ["Ha"],
    "곽": ["Kwak", "Gwak"],
    "성": ["Sung", "Seong"],
    "차": ["Cha"],
    "주": ["Joo", "Ju"],
    "우": ["Woo", "U"],
    "구": ["Koo", "Gu"],
    "민": ["Min"],
    "진": ["Jin"],
    "지": ["Ji"],
    "엄": ["Eom", "Um"],
    "채": ["Chae"],
    "원": ["Won"],
    "천": ["Cheon", "Chun"],
    "방": ["Bang"],
    "공": ["Kong", "Gong"],
    "현": ["Hyun", "Hyeon"],
    "함": ["Ham"],
    "변": ["Byun", "Byeon"],
    "염": ["Yeom"],
    "여": ["Yeo"],
    "추": ["Choo", "Chu"],
    "도": ["Do"],
    "소": ["So"],
    "석": ["Seok", "Suk"],
    "선": ["Sun", "Seon"],
    "설": ["Seol", "Sul"],
    "마": ["Ma"],
    "길": ["Gil", "Kil"],
    "연": ["Yeon"],
    "위": ["Wi"],
    "표": ["Pyo"],
    "명": ["Myung", "Myeong"],
    "기": ["Ki", "Gi"],
    "반": ["Ban"],
    "왕": ["Wang"],
    "금": ["Geum", "Keum"],
    "옥": ["Ok"],
    "육": ["Yuk"],
    "인": ["In"],
    "맹": ["Maeng"],
    "제": ["Je"],
    "모": ["Mo"],
    "탁": ["Tak"],
    "국": ["Kook", "Guk"],
    "황보": ["Hwangbo"],
    "남궁": ["Namgung"],
    "제갈": ["Jegal"],
    "선우": ["Sunwoo", "Seonu"],
}


def _ko_syllables(s: str) -> list[tuple[str, str, str]]:
    out = []
    for ch in s:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append((_KO_L[code // 588], _KO_V[(code % 588) // 28], _KO_T[code % 28]))
        else:
            out.append(("", ch, ""))
    return out


def romanise_korean_given(s: str, scheme: str, sep: str) -> str:
    parts = []
    for lead, v, t in _ko_syllables(s):
        if scheme == "popular":
            if v == "eo":
                v = "u"
            elif v == "yeo":
                v = "yu"
            elif v == "u" and not t:
                v = "oo"
            if lead == "g":
                lead = "k"
        parts.append(lead + v + t)
    parts = [p for p in parts if p]
    res = sep.join(parts)
    return res[:1].upper() + res[1:]


def romanise_korean_surname(s: str, idx: int) -> str:
    opts = KOREAN_SURNAMES.get(s)
    if opts:
        return opts[min(idx, len(opts) - 1)]
    r = romanise_korean_given(s, "rr", "")
    return r


# --------------------------------------------------------------------------------------
# Nicknames and short forms for non-English names (hand lists)
# --------------------------------------------------------------------------------------
OTHER_NICKNAMES: dict[str, list[str]] = {
    # Polish
    "Aleksander": ["Olek"],
    "Małgorzata": ["Gosia", "Małgosia"],
    "Katarzyna": ["Kasia"],
    "Wojciech": ["Wojtek"],
    "Krzysztof": ["Krzysiek"],
    "Agnieszka": ["Aga", "Agnes"],
    "Magdalena": ["Madzia", "Magda"],
    "Grzegorz": ["Grzesiek", "Greg"],
    "Małgosia": ["Gosia"],
    "Stanisław": ["Staszek", "Stan"],
    "Przemysław": ["Przemek"],
    "Bartłomiej": ["Bartek"],
    "Jakub": ["Kuba"],
    "Józef": ["Józek"],
    "Tomasz": ["Tomek", "Tom"],
    "Mateusz": ["Mati"],
    "Joanna": ["Asia", "Joasia"],
    "Aleksandra": ["Ola"],
    "Elżbieta": ["Ela"],
    "Dorota": ["Dorotka"],
    "Zbigniew": ["Zbyszek"],
    "Michał": ["Michael"],
    "Paweł": ["Paul"],
    "Piotr": ["Peter"],
    "Barbara": ["Basia"],
    "Małgorzata ": ["Gosia"],
    "Łukasz": ["Luke"],
    "Marcin": ["Martin"],
    # Italian / Spanish / Portuguese
    "Giuseppe": ["Peppe", "Pino"],
    "Francesco": ["Franco", "Cesco"],
    "Alessandro": ["Sandro", "Alex"],
    "Giovanni": ["Gianni", "Nino"],
    "Vincenzo": ["Enzo"],
    "Salvatore": ["Totò", "Sal"],
    "Antonio": ["Toni", "Tonino"],
    "Giacomo": ["Jack"],
    "Roberto": ["Rob"],
    "Federica": ["Fede"],
    "Alessandra": ["Sandra"],
    "Francesca": ["Franci"],
    "José": ["Pepe"],
    "Francisco": ["Paco", "Fran"],
    "Jesús": ["Chus", "Chuy"],
    "Ignacio": ["Nacho"],
    "Manuel": ["Manolo", "Manu"],
    "Guillermo": ["Guille"],
    "Dolores": ["Lola"],
    "Concepción": ["Concha"],
    "Rosario": ["Charo"],
    "Mercedes": ["Merche"],
    "Fernando": ["Nando"],
    "Alejandro": ["Álex"],
    "Enrique": ["Quique"],
    "João": ["Joãozinho"],
    "António": ["Toni"],
    "Joaquim": ["Quim"],
    # German / Dutch
    "Johannes": ["Hans", "Jan"],
    "Wilhelm": ["Willi"],
    "Friedrich": ["Fritz"],
    "Heinrich": ["Heinz"],
    "Wolfgang": ["Wolf"],
    "Elisabeth": ["Lisa", "Liesl"],
    "Katharina": ["Kathi"],
    "Cornelis": ["Kees"],
    "Hendrik": ["Henk"],
    "Gerardus": ["Gerard"],
    "Pieter": ["Piet"],
    "Johanna": ["Hanna"],
    "Wilhelmina": ["Mien", "Willemijn"],
    # Russian / Ukrainian (romanised short forms; applied to the romanised name)
    "Aleksandr": ["Sasha", "Alex"],
    "Oleksandr": ["Sasha", "Alex"],
    "Dmitriy": ["Dima"],
    "Dmitrii": ["Dima"],
    "Mikhail": ["Misha"],
    "Mykhailo": ["Misha"],
    "Ivan": ["Vanya"],
    "Volodymyr": ["Volodya", "Vova"],
    "Vladimir": ["Volodya", "Vova"],
    "Yevhen": ["Zhenya"],
    "Ievgen": ["Zhenya"],
    "Yevgeniy": ["Zhenya"],
    "Evgenii": ["Zhenya"],
    "Sergey": ["Seryozha"],
    "Serhiy": ["Serhii", "Sergei"],
    "Tatyana": ["Tanya"],
    "Tatiana": ["Tanya"],
    "Yekaterina": ["Katya"],
    "Ekaterina": ["Katya"],
    "Anastasiya": ["Nastya"],
    "Anastasiia": ["Nastya"],
    "Nataliya": ["Natasha"],
    "Natalia": ["Natasha"],
    "Mariya": ["Masha"],
    "Mariia": ["Masha"],
    "Olga": ["Olya"],
    "Nikolay": ["Kolya"],
    "Mykola": ["Kolya"],
    "Aleksey": ["Alyosha"],
    # Arabic / South Asian
    "Mohammed": ["Mo", "Mohd"],
    "Muhammad": ["Mo", "Mohd"],
    "Mohamed": ["Mo"],
    "Mohammad": ["Mo"],
    "Abdul Rahman": ["Abdul"],
    "Abdulrahman": ["Abdul"],
    "Abdul Aziz": ["Aziz"],
    "Abdullah": ["Abdul"],
    "Ibrahim": ["Ibby", "Abe"],
    "Yusuf": ["Joe"],
    "Mustafa": ["Mus"],
    "Abdirahman": ["Abdi"],
    # Nigerian / Ghanaian
    "Oluwaseun": ["Seun"],
    "Oluwatobi": ["Tobi"],
    "Olumide": ["Mide"],
    "Oluwadamilare": ["Dami"],
    "Oluwafemi": ["Femi"],
    "Oluwakemi": ["Kemi"],
    "Oluwabukola": ["Bukola", "Bukky"],
    "Chukwuemeka": ["Emeka"],
    "Chinedu": ["Nedu"],
    "Chidinma": ["Dinma"],
    "Oluwadamilola": ["Dami"],
    "Babatunde": ["Tunde"],
    "Adebayo": ["Bayo"],
    "Olufunke": ["Funke"],
    "Oluwatoyin": ["Toyin"],
    "Abimbola": ["Bimbo"],
    "Oluwasanmi": ["Sanmi"],
    "Adetayo": ["Tayo"],
    "Adekola": ["Kola"],
    "Ifeanyi": ["Ife"],
    "Obinna": ["Obi"],
    "Nnamdi": ["Nnam"],
    "Kwabena": ["Kobby"],
    "Kwame": ["Kwam"],
    "Abdulrahman ": ["Abdul"],
    "Shamsuddeen": ["Shamsu"],
    # Indian
    "Rajesh": ["Raj"],
    "Rajendra": ["Raju"],
    "Venkatesh": ["Venky"],
    "Subramanian": ["Subbu"],
    "Krishnamurthy": ["Krishna"],
    "Lakshmi": ["Laxmi"],
    "Jaspreet": ["Jas"],
    "Harpreet": ["Harp"],
    "Gurpreet": ["Gurp"],
    "Manpreet": ["Manny"],
    "Sukhwinder": ["Sukhi"],
    "Parminder": ["Pam"],
    # Turkish / Greek
    "Mehmet": ["Memo"],
    "Mustafa ": ["Musti"],
    "Konstantinos": ["Kostas", "Dinos"],
    "Georgios": ["Giorgos", "George"],
    "Dimitrios": ["Dimitris", "Jim"],
    "Ioannis": ["Giannis", "John"],
    "Panagiotis": ["Panos", "Takis"],
    "Vasileios": ["Vasilis", "Bill"],
    "Athanasios": ["Thanasis"],
    "Aikaterini": ["Katerina"],
    "Eleftherios": ["Lefteris"],
    "Christos": ["Chris"],
    # Chinese / Korean / Vietnamese people often adopt an English name: not a nickname, so none.
}


# --------------------------------------------------------------------------------------
# Typos
# --------------------------------------------------------------------------------------
_KEYS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_ADJ: dict[str, str] = {}
for r, row in enumerate(_KEYS):
    for c, k in enumerate(row):
        near = []
        for dr in (-1, 0, 1):
            rr = r + dr
            if 0 <= rr < 3:
                for dc in (-1, 0, 1):
                    cc = c + dc + (0 if dr == 0 else (0 if dr < 0 else 0))
                    if (dr, dc) != (0, 0) and 0 <= cc < len(_KEYS[rr]):
                        near.append(_KEYS[rr][cc])
        _ADJ[k] = "".join(near)
_PHONETIC = [
    ("ph", "f"),
    ("ie", "ei"),
    ("ei", "ie"),
    ("ck", "k"),
    ("ou", "o"),
    ("ey", "y"),
    ("ll", "l"),
    ("nn", "n"),
    ("tt", "t"),
    ("ss", "s"),
    ("rr", "r"),
    ("mm", "m"),
    ("c", "k"),
    ("y", "i"),
    ("i", "y"),
    ("ae", "e"),
    ("th", "t"),
    ("z", "s"),
    ("an", "en"),
    ("son", "sen"),
    ("er", "ar"),
]


def typo(word: str, rng) -> str:
    """One keying or hearing error in a word of 3+ letters (a different word)."""
    if len(word) < 3:
        return word
    for _ in range(10):
        kind = rng.random()
        w = list(word)
        i = int(rng.integers(1, len(w)))  # keep the first letter most of the time
        if rng.random() < 0.1:
            i = 0
        if kind < 0.30:  # adjacent key
            c = w[i].lower()
            if c in _ADJ:
                n = _ADJ[c][int(rng.integers(0, len(_ADJ[c])))]
                w[i] = n.upper() if w[i].isupper() else n
        elif kind < 0.50:  # deletion
            if len(w) > 3:
                del w[i]
        elif kind < 0.62:  # doubled letter
            w.insert(i + 1, w[i].lower())
        elif kind < 0.80:  # transposition
            j = min(i, len(w) - 2)
            j = max(j, 1)
            w[j], w[j + 1] = w[j + 1], w[j]
        else:  # phonetic respelling
            low = word.lower()
            opts = [(a, b) for a, b in _PHONETIC if a in low[1:]]
            if opts:
                a, b = opts[int(rng.integers(0, len(opts)))]
                k = low.index(a, 1)
                w = list(word[:k] + b + word[k + len(a) :])
        out = "".join(w)
        if out.lower() != word.lower() and len(out) >= 2:
            return out
    return word[:-1] if len(word) > 3 else word + "e"
