#!/usr/bin/env python3
"""Write the sample department registers of examples/adapters/registers/.

Every person, organization, vehicle and address here is fictitious, generated for the samples:
ID numbers are valid GB 11643 numbers whose birth date and gender agree with the other columns,
mobiles have a mainland mobile shape, credit codes carry the GB 32100 check character (and the
GB 11714 check of their organization code), plates look like 苏E·12345.

Each register kind <kind> is written in three forms with the same rows:
  <kind>.csv      UTF-8 (with a byte-order mark, as Excel writes "CSV UTF-8")
  <kind>-gbk.csv  GBK (as Excel writes "CSV" on a Chinese Windows)
  <kind>.xlsx     a workbook; some kinds with a merged title row above the header, and
                  birth dates as real date cells
The ready mapping of each kind is <kind>.toml (written by hand, not by this script).

Run: python3 examples/adapters/registers/make.py   (needs `pip install xlsxwriter`)
The output is deterministic: the committed files are what the tests read.
"""

import csv
import datetime
import io
import os

import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
CREATED = datetime.datetime(2024, 6, 1, 9, 0, 0)

# --- check characters -------------------------------------------------------------------------


def id_number(area, birth, seq):
    """A GB 11643 resident ID number: area code, birth date (YYYYMMDD), sequence (odd: male)."""
    body = f"{area}{birth.replace('-', '')}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[s % 11]


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def org_code(body8):
    """A GB 11714 organization code: 8 characters and a check character."""
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    val = lambda c: int(c) if c.isdigit() else ord(c) - 55  # noqa: E731
    c = 11 - sum(val(x) * w for x, w in zip(body8, weights)) % 11
    return body8 + {10: "X", 11: "0"}.get(c, str(c))


def credit_code(dept_kind, division, body8):
    """A GB 32100 unified social credit code."""
    first17 = f"{dept_kind}{division}{org_code(body8)}"
    weights = [pow(3, i, 31) for i in range(17)]
    s = sum(ALPHABET.index(c) * w for c, w in zip(first17, weights))
    return first17 + ALPHABET[(31 - s % 31) % 31]


def male(seq):
    return seq % 2 == 1


# --- writing ----------------------------------------------------------------------------------


def write_forms(kind, titles, header, rows, title_merged=False, date_columns=(), number_columns=()):
    """Write <kind>.csv, <kind>-gbk.csv and <kind>.xlsx. `titles` are rows above the header."""
    width = len(header)
    table = [[t] + [""] * (width - 1) for t in titles] + [header] + rows
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows(table)
    text = buf.getvalue()
    with open(os.path.join(HERE, f"{kind}.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + text.encode("utf-8"))
    with open(os.path.join(HERE, f"{kind}-gbk.csv"), "wb") as f:
        f.write(text.encode("gbk"))

    path = os.path.join(HERE, f"{kind}.xlsx")
    wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    wb.set_properties({"created": CREATED, "author": "linli examples"})
    ws = wb.add_worksheet("Sheet1")
    title_fmt = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    head_fmt = wb.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#D9E1F2"})
    text_fmt = wb.add_format({"num_format": "@", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd", "border": 1})
    num_fmt = wb.add_format({"num_format": "0.00", "border": 1})
    r = 0
    for t in titles:
        if title_merged:
            ws.merge_range(r, 0, r, width - 1, t, title_fmt)
        else:
            ws.write_string(r, 0, t)
        r += 1
    for c, h in enumerate(header):
        ws.write_string(r, c, h, head_fmt)
        ws.set_column(c, c, max(8, 2 * len(h) + 2))
    r += 1
    for row in rows:
        for c, v in enumerate(row):
            if c in date_columns and v:
                ws.write_datetime(r, c, datetime.datetime.strptime(v, "%Y-%m-%d"), date_fmt)
            elif c in number_columns and v:
                ws.write_number(r, c, float(v), num_fmt)
            else:
                ws.write_string(r, c, v, text_fmt)
        r += 1
    wb.close()


# --- 1 人口信息登记表 ----------------------------------------------------------------------------


def population():
    header = ["序号", "所属社区", "小区名称", "楼栋", "单元", "房号", "户号", "姓名*", "与户主关系*", "性别*",
              "民族", "出生日期*", "公民身份号码*", "联系电话", "人口类型*", "政治面貌", "户籍地址", "备注"]
    c, x = "虎丘社区", "锦绣家园"
    y = "枫桥新村"
    here = "江苏省苏州市姑苏区虎丘街道虎丘社区"
    people = [
        # community, compound, building, unit, room, household, name, relation, area, birth, seq, ethnic,
        # phone, kind, political, registered address, remark
        (c, x, "3", "1", "301", "3205080001", "王建国", "户主", "320508", "1968-04-12", 131, "汉族",
         "13862134471", "户籍人口", "中共党员", here + "锦绣家园3栋1单元301室", ""),
        (c, x, "3", "1", "301", "3205080001", "李秀英", "妻", "320508", "1970-09-03", 242, "汉族",
         "13915207733", "户籍人口", "群众", here + "锦绣家园3栋1单元301室", ""),
        (c, x, "3", "1", "301", "3205080001", "王磊", "长子", "320508", "1995-01-20", 315, "汉族",
         "15850123398", "户籍人口", "共青团员", here + "锦绣家园3栋1单元301室", "在外地工作"),
        (c, x, "3", "2", "502", "3205080002", "张伟", "户主", "320508", "1979-11-30", 173, "汉族",
         "18962171205", "户籍人口", "群众", here + "锦绣家园3栋2单元502室", ""),
        (c, x, "3", "2", "502", "3205080002", "刘芳", "妻子", "320508", "1981-06-15", 286, "回族",
         "18962171206", "户籍人口", "中共党员", here + "锦绣家园3栋2单元502室", ""),
        (c, x, "3", "2", "502", "3205080002", "张子涵", "长女", "320508", "2012-08-08", 108, "回族",
         "", "户籍人口", "群众", here + "锦绣家园3栋2单元502室", "学生"),
        (c, x, "5", "1", "101", "3205080003", "赵淑珍", "户主", "320508", "1943-02-17", 226, "汉族",
         "0512-65321478", "户籍人口", "群众", here + "锦绣家园5栋1单元101室", "独居"),
        (c, x, "5", "1", "202", "", "孙浩", "", "341221", "1990-07-21", 519, "汉族",
         "17705127462", "流动人口", "群众", "安徽省阜阳市临泉县城关镇解放路12号", "租住"),
        (c, x, "5", "1", "202", "", "周敏", "", "341221", "1993-12-05", 528, "汉族",
         "19951236680", "流动人口", "群众", "安徽省阜阳市临泉县城关镇解放路12号", "租住"),
        (c, y, "12", "1", "402", "", "吴刚", "", "320583", "1982-03-09", 451, "汉族",
         "13771866012", "常住人口", "中共党员", "江苏省昆山市玉山镇人民路88号", ""),
        (c, y, "12", "2", "201", "3205080004", "郑海涛", "户主", "320508", "1976-05-28", 337, "满族",
         "13506136612", "户籍人口", "中共党员", here + "枫桥新村12栋2单元201室", ""),
        (c, y, "12", "2", "201", "3205080004", "冯丽", "妻", "320508", "1978-10-11", 348, "汉族",
         "13506136613", "户籍人口", "群众", here + "枫桥新村12栋2单元201室", ""),
        (c, y, "12", "2", "201", "3205080004", "郑思远", "长子", "320508", "2005-04-02", 351, "汉族",
         "13962145509", "户籍人口", "共青团员", here + "枫桥新村12栋2单元201室", ""),
        (c, y, "12", "2", "201", "3205080004", "钱桂兰", "母亲", "320508", "1950-01-26", 364, "汉族",
         "", "户籍人口", "群众", here + "枫桥新村12栋2单元201室", ""),
    ]
    rows = []
    for i, p in enumerate(people, 1):
        (com, cpd, b, u, room, hh, name, rel, area, birth, seq, eth, phone, kind, pol, reg, remark) = p
        gender = "男" if male(seq) else "女"
        rows.append([str(i), com, cpd, b, u, room, hh, name, rel, gender, eth, birth, id_number(area, birth, seq),
                     phone, kind, pol, reg, remark])
    write_forms("population", ["虎丘社区人口信息登记表"], header, rows, title_merged=True, date_columns={11})


# --- 2 房屋信息表 -------------------------------------------------------------------------------


def houses():
    header = ["房屋编号", "所属社区", "小区名称", "楼栋号", "单元号", "房号", "房屋用途", "建筑面积（㎡）",
              "出租状态", "备注"]
    c, x, y = "虎丘社区", "锦绣家园", "枫桥新村"
    data = [
        (x, "3", "1", "301", "住宅", "89.50", "自住", ""),
        (x, "3", "1", "302", "住宅", "89.50", "出租", ""),
        (x, "3", "2", "501", "住宅", "112.36", "空置", "待售"),
        (x, "3", "2", "502", "住宅", "112.36", "自住", ""),
        (x, "5", "1", "101", "住宅", "76.20", "自住", "一楼带院"),
        (x, "5", "1", "202", "住宅", "76.20", "出租", ""),
        (x, "5", "1", "601", "住宅", "98.00", "群租", "已登记整改"),
        (x, "8", "1", "101", "商业", "45.80", "出租", "沿街商铺"),
        (y, "12", "1", "402", "住宅", "68.75", "出租", ""),
        (y, "12", "2", "201", "住宅", "86.40", "自住", ""),
        (y, "12", "2", "202", "商住两用", "86.40", "出租", "工作室"),
        (y, "15", "1", "101", "办公", "120.00", "自住", "社区服务站"),
    ]
    rows = []
    for i, (cpd, b, u, room, use, area, status, remark) in enumerate(data, 1):
        rows.append([f"FW-320508-{i:04d}", c, cpd, b, u, room, use, area, status, remark])
    write_forms("houses", ["虎丘社区房屋信息表", "填报单位：虎丘社区居委会　　填报日期：2024年5月31日"], header, rows,
                title_merged=True, number_columns={7})


# --- 3 出租房屋台账 -----------------------------------------------------------------------------


def rentals():
    header = ["序号", "所属社区", "小区名称", "楼栋", "单元", "房号", "房屋用途", "承租人姓名*", "性别",
              "承租人身份证号*", "承租人联系电话*", "户籍地址", "起租日期", "到期日期", "备注"]
    c, x, y = "虎丘社区", "锦绣家园", "枫桥新村"
    data = [
        (x, "3", "1", "302", "住宅", "陈晓东", "341221", "1988-02-14", 413, "18655821147",
         "安徽省阜阳市临泉县城关镇光明路6号", "2023-09-01", "2024-08-31", ""),
        (x, "3", "1", "302", "住宅", "林小燕", "341221", "1990-05-19", 426, "18655821148",
         "安徽省阜阳市临泉县城关镇光明路6号", "2023-09-01", "2024-08-31", "与陈晓东合租"),
        (x, "5", "1", "202", "住宅", "孙浩", "341221", "1990-07-21", 519, "17705127462",
         "安徽省阜阳市临泉县城关镇解放路12号", "2024-01-01", "2024-12-31", ""),
        (x, "5", "1", "601", "住宅", "黄俊杰", "510722", "1998-11-02", 233, "15228613390",
         "四川省绵阳市三台县潼川镇北坝路21号", "2024-03-01", "2025-02-28", "群租已整改"),
        (x, "5", "1", "601", "住宅", "何勇", "510722", "1997-06-23", 255, "15228613391",
         "四川省绵阳市三台县潼川镇北坝路21号", "2024-03-01", "2025-02-28", ""),
        (x, "8", "1", "101", "商业", "罗美玲", "420117", "1985-08-30", 164, "13871422186",
         "湖北省武汉市新洲区邾城街道新洲大道9号", "2022-06-01", "2025-05-31", "经营水果店"),
        (y, "12", "1", "402", "住宅", "吴刚", "320583", "1982-03-09", 451, "13771866012",
         "江苏省昆山市玉山镇人民路88号", "2023-12-15", "2024-12-14", ""),
        (y, "12", "2", "202", "商住两用", "高雅琴", "320506", "1992-04-17", 188, "13913577620",
         "江苏省苏州市吴中区长桥街道宝带路5号", "2024-02-01", "2025-01-31", "设计工作室"),
        (y, "16", "3", "303", "住宅", "梁文博", "411523", "2000-09-09", 275, "19851278834",
         "河南省信阳市新县新集镇向阳路3号", "2024-05-10", "2025-05-09", "应届毕业生"),
        (y, "16", "3", "304", "住宅", "宋佳", "411523", "2001-12-25", 286, "19851278835",
         "河南省信阳市新县新集镇向阳路3号", "2024-05-10", "2025-05-09", ""),
    ]
    rows = []
    for i, (cpd, b, u, room, use, name, area, birth, seq, phone, reg, start, end, remark) in enumerate(data, 1):
        gender = "男" if male(seq) else "女"
        rows.append([str(i), c, cpd, b, u, room, use, name, gender, id_number(area, birth, seq), phone, reg,
                     start, end, remark])
    write_forms("rentals", [], header, rows)


# --- 4 车辆登记表 -------------------------------------------------------------------------------


def vehicles():
    header = ["序号", "车牌号码*", "号牌颜色", "品牌型号", "车主姓名*", "车主身份证号", "车主联系电话", "小区名称",
              "楼栋", "单元", "房号", "车位号", "备注"]
    x, y = "锦绣家园", "枫桥新村"
    data = [
        ("苏E·3K7J2", "蓝牌", "大众 朗逸", "王建国", "320508", "1968-04-12", 131, "13862134471", x, "3", "1", "301",
         "B1-023", ""),
        ("苏E·D52810", "绿牌", "比亚迪 秦PLUS", "王磊", "320508", "1995-01-20", 315, "15850123398", x, "3", "1",
         "301", "B1-024", "新能源"),
        ("苏E·8M2Q6", "蓝牌", "丰田 卡罗拉", "张伟", "320508", "1979-11-30", 173, "18962171205", x, "3", "2", "502",
         "B1-057", ""),
        ("皖K·6R139", "蓝牌", "本田 雅阁", "孙浩", "341221", "1990-07-21", 519, "17705127462", x, "5", "1", "202",
         "", "外地牌照"),
        ("苏E·F08831", "绿牌", "特斯拉 Model 3", "吴刚", "320583", "1982-03-09", 451, "13771866012", y, "12", "1",
         "402", "地面-12", "新能源"),
        ("苏E·5C9T1", "蓝牌", "别克 英朗", "郑海涛", "320508", "1976-05-28", 337, "13506136612", y, "12", "2", "201",
         "地面-31", ""),
        ("苏E·2H6L8", "黄牌", "五菱 荣光", "罗美玲", "420117", "1985-08-30", 164, "13871422186", x, "8", "1", "101",
         "", "商铺送货"),
        ("苏E·7N4B3", "蓝牌", "吉利 帝豪", "高雅琴", "320506", "1992-04-17", 188, "13913577620", y, "12", "2", "202",
         "地面-40", ""),
        ("川B·9G2E7", "蓝牌", "长安 CS75", "黄俊杰", "510722", "1998-11-02", 233, "15228613390", x, "5", "1", "601",
         "", ""),
        ("苏E·D19306", "绿牌", "蔚来 ES6", "冯丽", "320508", "1978-10-11", 348, "13506136613", y, "12", "2", "201",
         "地面-32", "新能源"),
        ("苏E·4P8W5", "蓝牌", "日产 轩逸", "陈晓东", "341221", "1988-02-14", 413, "18655821147", x, "3", "1", "302",
         "", ""),
    ]
    rows = []
    for i, (plate, color, model, name, area, birth, seq, phone, cpd, b, u, room, lot, remark) in enumerate(data, 1):
        rows.append([str(i), plate, color, model, name, id_number(area, birth, seq), phone, cpd, b, u, room, lot,
                     remark])
    write_forms("vehicles", [], header, rows)


# --- 5 单位（场所）登记表 -----------------------------------------------------------------------


def organizations():
    header = ["序号", "单位名称*", "统一社会信用代码*", "单位类型", "法定代表人", "法定代表人身份证号",
              "法定代表人联系电话", "联系人", "联系人电话", "所属社区", "所在楼宇", "房号", "经营地址", "从业人数",
              "备注"]
    c = "虎丘社区"
    street = "江苏省苏州市姑苏区虎丘街道"
    data = [
        ("苏州锦绣物业服务有限公司", ("9", "1", "320508", "MA1N3K7Q"), "物业服务企业", "沈国华", "320508",
         "1972-03-18", 153, "13814878812", "许静", "0512-65327788", "锦绣家园", "物业楼", "101",
         "虎丘路218号锦绣家园物业楼101室", "36", ""),
        ("苏州市姑苏区虎丘社区卫生服务站", ("1", "2", "320508", "46602153"), "事业单位", "韩卫东", "320508",
         "1975-12-01", 117, "13951108876", "杜晓梅", "0512-65320011", "枫桥新村", "15栋", "101",
         "枫桥路66号枫桥新村15栋101室", "12", ""),
        ("苏州市姑苏区虎丘邻里互助服务中心", ("5", "2", "320508", "MJ5723K1"), "社会组织", "曹敏", "320508",
         "1983-07-07", 262, "15995702231", "曹敏", "15995702231", "锦绣家园", "8栋", "102",
         "虎丘路218号锦绣家园8栋102室", "5", "民办非企业单位"),
        ("苏州鲜果多商贸有限公司", ("9", "1", "320508", "MA7B2C4D"), "企业", "罗美玲", "420117", "1985-08-30", 164,
         "13871422186", "罗美玲", "13871422186", "锦绣家园", "8栋", "101", "虎丘路218号锦绣家园8栋101室", "3",
         "水果零售"),
        ("苏州云帆设计工作室有限公司", ("9", "1", "320508", "MA8E5F6G"), "企业", "高雅琴", "320506", "1992-04-17",
         188, "13913577620", "高雅琴", "13913577620", "枫桥新村", "12栋", "202", "枫桥路66号枫桥新村12栋202室",
         "4", "商住两用房"),
        ("苏州虎丘丝绸文化传播有限公司", ("9", "1", "320508", "MA2L9M3N"), "企业", "蒋文斌", "320508", "1969-09-21",
         195, "13606209918", "蒋丽", "13606209919", "虎丘商务楼", "虎丘商务楼", "605", "虎丘路300号虎丘商务楼605室",
         "18", ""),
        ("苏州姑苏区童乐托育有限公司", ("9", "1", "320508", "MA4P7R8T"), "企业", "彭晓静", "320508", "1988-05-05",
         224, "18913511276", "彭晓静", "18913511276", "虎丘商务楼", "虎丘商务楼", "201", "虎丘路300号虎丘商务楼201室",
         "9", "托育机构"),
        ("苏州市姑苏区虎丘社区老年协会", ("5", "1", "320508", "MJ5735X2"), "社会组织", "赵淑珍", "320508",
         "1943-02-17", 226, "0512-65321478", "钱桂兰", "0512-65321479", "枫桥新村", "15栋", "102",
         "枫桥路66号枫桥新村15栋102室", "0", "社会团体"),
        ("苏州安居房产经纪有限公司", ("9", "1", "320508", "MA5U8W9Y"), "企业", "潘志明", "320581", "1980-11-11",
         211, "13773255508", "潘志明", "13773255508", "虎丘商务楼", "虎丘商务楼", "103", "虎丘路300号虎丘商务楼103室",
         "7", ""),
        ("苏州惠民便利店有限公司", ("9", "1", "320508", "MA6H1J2K"), "企业", "叶春燕", "330382", "1986-03-03", 248,
         "15262439907", "叶春燕", "15262439907", "枫桥新村", "12栋", "101", "枫桥路66号枫桥新村12栋101室", "4",
         "24小时营业"),
    ]
    rows = []
    for i, d in enumerate(data, 1):
        (name, cc, kind, rep, area, birth, seq, phone, contact, cphone, _cpd, bldg, room, addr, staff, remark) = d
        rows.append([str(i), name, credit_code(cc[0] + cc[1], cc[2], cc[3]), kind, rep, id_number(area, birth, seq),
                     phone, contact, cphone, c, bldg, room, street + c + addr, staff, remark])
    write_forms("organizations", ["虎丘社区单位（场所）登记表"], header, rows, title_merged=True)


# --- 6 养老服务对象名册 -------------------------------------------------------------------------


def elderly():
    header = ["序号", "姓名", "性别", "身份证号码", "出生日期", "联系电话", "所属社区", "小区", "楼栋", "单元",
              "房号", "服务对象类别", "居住情况", "备注"]
    c, x, y = "虎丘社区", "锦绣家园", "枫桥新村"
    data = [
        ("赵淑珍", "320508", "1943-02-17", 226, "0512-65321478", x, "5", "1", "101", "独居老人、高龄老人", "独居",
         "每周上门探访"),
        ("钱桂兰", "320508", "1950-01-26", 364, "13962145510", y, "12", "2", "201", "空巢老人", "与子女同住", ""),
        ("周福生", "320508", "1938-10-10", 135, "0512-65328890", x, "6", "2", "302", "高龄老人、残疾人", "与配偶同住",
         "助餐服务"),
        ("吴秀兰", "320508", "1940-04-04", 146, "0512-65328890", x, "6", "2", "302", "高龄老人", "与配偶同住", ""),
        ("孙德明", "320508", "1952-06-30", 157, "13806213348", x, "7", "1", "401", "低保", "独居", ""),
        ("李凤英", "320508", "1946-12-12", 168, "13806213349", y, "14", "1", "102", "独居老人", "独居", "紧急呼叫已安装"),
        ("陈阿大", "320508", "1944-08-15", 179, "0512-65324567", y, "14", "2", "201", "特困供养、高龄老人", "独居",
         ""),
        ("马玉珍", "320508", "1958-03-21", 182, "15106218823", y, "16", "1", "101", "空巢老人", "与配偶同住", ""),
        ("刘桂芳", "320508", "1935-01-01", 184, "0512-65323321", x, "5", "2", "102", "高龄老人、独居老人", "独居",
         "高龄津贴"),
        ("杨建华", "320508", "1949-09-09", 191, "13915218876", y, "14", "1", "301", "退役军人", "与子女同住", ""),
    ]
    rows = []
    for i, (name, area, birth, seq, phone, cpd, b, u, room, tags, living, remark) in enumerate(data, 1):
        gender = "男" if male(seq) else "女"
        rows.append([str(i), name, gender, id_number(area, birth, seq), birth, phone, c, cpd, b, u, room, tags,
                     living, remark])
    write_forms("elderly", ["虎丘社区养老服务对象名册"], header, rows, title_merged=True, date_columns={4})


if __name__ == "__main__":
    population()
    houses()
    rentals()
    vehicles()
    organizations()
    elderly()
