#!/usr/bin/env python3
"""Write conformance/profiles/PF-*.json: sharing profiles (chapter 19) and the verdict of [SHR-001]/[SHR-002],
written by hand from the spec's rules. Run from the repository root: python3 conformance/tools/profile_vectors.py
"""
import json
HEAD='name = "my-department"\nsharingLevel = "inter-department"\n\n[defaults]\npersonal = "mask"\nsensitive = "drop"\nextensions = "drop"\n'
def rule(**kw):
    out="\n[[rule]]\n"
    for k,v in kw.items():
        out+=f'{k} = {json.dumps(v) if isinstance(v,str) else v}\n'
    return out
V=[]
def add(id_,zh,en,reqs,verdict,profile,**exp):
    V.append({"id":id_,"description":{"zh":zh,"en":en},"requirements":reqs+["CNF-014"],"verdict":verdict,"profile":profile,"expected":exp})
add("PF-0001","第 19 章的示例配置：可加载，共享级别为 inter-department","The example profile of chapter 19 loads, at level inter-department",
    ["SHR-001","SHR-002"],"valid",HEAD+rule(type="Person",pointer="/birthDate",action="generalise",method="year"),sharing_level="inter-department")
add("PF-0002","公开级别配置：掩码保留首尾字符、事件位置取 3 位小数、居住地泛化到社区、证件号假名化","A public profile: masking with kept characters, event locations rounded to 3 decimals, residences generalised to the community, identifiers pseudonymised",
    ["SHR-001","SHR-010"],"valid",
    'name = "open-data"\nsharingLevel = "public"\ndescription = { zh = "公开数据", en = "Open data" }\n\n[defaults]\npersonal = "drop"\nsensitive = "drop"\nextensions = "drop"\n'
    +rule(type="Person",pointer="/name",action="mask",keepStart=1,keepEnd=0)
    +rule(type="Event",pointer="/location",action="generalise",method="round",decimals=3)
    +rule(type="Person",pointer="/residences",action="generalise",method="community")
    +rule(type="Person",pointer="/identifiers/*/value",action="pseudonymise"),sharing_level="public")
add("PF-0003","含第 19 章未列出的键 owner 的配置被拒绝，错误指出文件和位置","A profile with a key chapter 19 does not list (owner) is refused, naming the file and the position",
    ["SHR-001","SHR-002"],"invalid",HEAD.replace('sharingLevel = "inter-department"\n','sharingLevel = "inter-department"\nowner = "民政局"\n'))
add("PF-0004","规则动作为未知的 encrypt：被拒绝，错误指出 rule[0].action","A rule whose action is the unknown `encrypt` is refused at rule[0].action",
    ["SHR-002"],"invalid",HEAD+rule(type="Person",pointer="/phones",action="encrypt"),key="rule[0].action")
add("PF-0005","泛化方法为未知的 decade：被拒绝，错误指出 rule[0].method","A generalisation method `decade` (unknown) is refused at rule[0].method",
    ["SHR-002"],"invalid",HEAD+rule(type="Person",pointer="/birthDate",action="generalise",method="decade"),key="rule[0].method")
add("PF-0006","规则的指针不是模式中标记的成员（/meta/version）：被拒绝","A rule whose pointer is not a member marked in the schemas (/meta/version) is refused",
    ["SHR-002"],"invalid",HEAD+rule(type="Person",pointer="/meta/version",action="drop"),key="rule[0].pointer")
add("PF-0007","对电话号码按年份泛化：动作不适用于该成员，被拒绝","Generalising telephone numbers by year: the action does not apply to the member and is refused",
    ["SHR-002","SHR-010"],"invalid",HEAD+rule(type="Person",pointer="/phones",action="generalise",method="year"),key="rule[0].action")
add("PF-0008","同一成员的两条规则：第二条被拒绝","Two rules for one member: the second is refused",
    ["SHR-002"],"invalid",HEAD+rule(type="Person",pointer="/phones",action="mask")+rule(type="Person",pointer="/phones",action="drop"),key="rule[1].pointer")
add("PF-0009","删除人员必需的 name 的规则被拒绝","A rule that drops a Person's required name is refused",
    ["SHR-002"],"invalid",HEAD+rule(type="Person",pointer="/name",action="drop"),key="rule[0].action")
add("PF-0010","缺少必需的 defaults.sensitive 的配置被拒绝","A profile without the required defaults.sensitive is refused, naming the file and the position",
    ["SHR-001"],"invalid",HEAD.replace('sensitive = "drop"\n',''))
add("PF-0011","坐标取整到 7 位小数（超出 0–6）被拒绝","Rounding coordinates to 7 decimals (outside 0 to 6) is refused",
    ["SHR-001","SHR-002"],"invalid",HEAD+rule(type="Event",pointer="/location",action="generalise",method="round",decimals=7),key="rule[0].decimals")
add("PF-0012","默认删除个人信息且未为人员姓名另设规则：会删除必需成员 name，被拒绝","A default that drops personal information with no rule for a Person's name would drop a required member and is refused",
    ["SHR-002","SHR-004"],"invalid",HEAD.replace('personal = "mask"','personal = "drop"'),key="defaults.personal")
for v in V:
    open(f'conformance/profiles/{v["id"]}.json','w').write(json.dumps(v,ensure_ascii=False,indent=2)+"\n")

print(len(V))
