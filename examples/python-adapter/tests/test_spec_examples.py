"""The worked examples of the specification, as known answers for this adapter's pieces.

Run: `python3 -m unittest discover -s examples/python-adapter/tests` (the Rust test
`python_adapter` runs it too).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from linli_adapter import checks, share, timeutil  # noqa: E402
from linli_adapter.schema import Schemas, ecma_pattern  # noqa: E402
from linli_adapter.store import Store  # noqa: E402
from linli_adapter.validate import Validator  # noqa: E402


class SpecExamples(unittest.TestCase):
    def test_resident_id_check_character_per_008(self):
        # spec/10-person.md [PER-008]: 11010519491231002X, S = 167, check character X
        self.assertEqual(checks.id_check_char("11010519491231002"), "X")
        self.assertEqual(checks.resident_id_findings("11010519491231002X", "/v"), [])
        self.assertEqual(checks.resident_id_findings("110105194912310021", "/v")[0][0], "id-number-check-character")

    def test_credit_code_org_003(self):
        # spec/11-organization.md [ORG-003]: 91350200776049653A
        self.assertTrue(checks.credit_code_ok("91350200776049653A"))
        self.assertFalse(checks.credit_code_ok("91350200776049653B"))

    def test_pseudonym_and_key_id_shr_020_022(self):
        # spec/19-sharing.md §19.3 example
        key = b"0123456789abcdef"
        self.assertEqual(share.key_id(key), "1eb13412fef3131c")
        self.assertEqual(share.token(key, "resident-id", "11010519491231002X"),
                         "9c948c2ac0931d56892843d5888e2785a8af40619406fed123d53cf6bab0626e")

    def test_masks_pri_004(self):
        # spec/16-privacy.md [PRI-004] table
        self.assertEqual(share.mask("张三"), "张*")
        self.assertEqual(share.mask("王秀英"), "王*英")
        self.assertEqual(share.mask("苏E12345"), "苏E***45")
        self.assertEqual(share.mask("13812345678"), "138****5678")
        self.assertEqual(share.mask("320508199001011234"), "3205**********1234")
        self.assertEqual(share.mask_phone("0512-65221234"), "0512*****1234")  # [PER-018]

    def test_minor_on_the_reference_date_pri_007(self):
        # [PRI-007] with the reference date of the dataset: born 2010-06-01 is fourteen on 2024-06-01
        child = {"type": "Person", "id": "p", "meta": {}, "name": "李小明", "gender": "1", "birthDate": "2010-06-01"}
        case = {"type": "Case", "id": "c", "reporter": {"type": "Person", "id": "p"}}

        def shared(day):
            sharer = share.Sharer("inter-department", b"0123456789abcdef", timeutil.date(day), [child], Schemas())
            return sharer.apply(child), sharer.apply(case)

        person, reported = shared("2024-05-31")  # under fourteen: a keep rule gives way to drop
        self.assertNotIn("gender", person)
        self.assertNotIn("reporter", reported)
        person, reported = shared("2024-06-01")  # fourteen
        self.assertEqual(person["gender"], "1")
        self.assertIn("reporter", reported)

    def test_rounding_shr_014(self):
        self.assertEqual(share.round_decimal(120.58605, 3), 120.586)
        self.assertEqual(share.round_decimal(31.3304, 3), 31.33)

    def test_phone_shapes_per_010(self):
        for ok in ["13812345678", "138-1234-5678", "0512-65221234", "051265221234", "65221234",
                   "12345", "95588", "4008123123", "110", "+8613812345678", "+86-512-65221234", "+14155552671"]:
            self.assertTrue(checks.phone_ok(ok), ok)
        for bad in ["1381234567", "138-12345678", "0512-0652123", "+860512652212", "012345", "+0123456789"]:
            self.assertFalse(checks.phone_ok(bad), bad)

    def test_times_compare_as_instants_con_024(self):
        self.assertLess(timeutil.instant("2024-05-01T10:00:00+08:00"), timeutil.instant("2024-05-01T03:00:00Z"))

    def test_ecma_dollar_does_not_match_before_a_final_line_break_con_009(self):
        pattern = ecma_pattern("^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$")
        self.assertTrue(pattern.search("gusu.person.000123"))
        self.assertIsNone(pattern.search("gusu.person.000123\n"))

    def test_free_text_scans_shr_040_041(self):
        self.assertTrue(checks.id_numbers_in("身份证 1101 0519 4912 3100 2X 已核实"))
        self.assertTrue(checks.id_numbers_in("号码１１０１０５１９４９１２３１００２Ｘ"))
        self.assertFalse(checks.id_numbers_in("9110105194912310022X"))  # part of a longer run
        self.assertTrue(checks.mobiles_in("电话 138 1234 5678"))
        self.assertFalse(checks.mobiles_in("编号 913812345678"))
        # Any grouping, any separator of the set, 86 without +, X after a separator ([SHR-041]).
        for text in ["138 12345678", "1381-2345-678", "1 3 8 1 2 3 4 5 6 7 8", "138\u300012345678",
                     "138\u00ad1234\u00ad5678", "138\t1234\n5678", "8613912345678"]:
            self.assertEqual(len(checks.mobiles_in(text)), 1, text)
        self.assertEqual(checks.numbers_in("证件 11010519491231002-X"), [("id", 3, 22)])
        # No mobile inside an ID number grouped 6-12; two visible separators end a number.
        self.assertEqual(checks.numbers_in("110105 19491231002X"), [("id", 0, 19)])
        self.assertFalse(checks.mobiles_in("138--1234-5678"))
        self.assertFalse(checks.mobiles_in("138 - - 1234 5678"))
        # White space and invisible characters, any number, around one dot or dash join groups;
        # a slash, comma, underscore or parenthesis does not ([SHR-041], [SHR-062]).
        for text in ["139 - 1234 - 5678", "139 -1234-5678", "138  1234 5678", "139\r\n1234\r\n5678"]:
            self.assertEqual(len(checks.mobiles_in(text)), 1, text)
        for text in ["139/1234/5678", "139,1234,5678", "139_1234_5678", "139(1234)5678"]:
            self.assertFalse(checks.mobiles_in(text), text)
        self.assertEqual(checks.numbers_in("证件 11010519491231002 - X"), [("id", 3, 24)])
        self.assertEqual(share.mask_numbers_in_text("电话139 - 1234 - 5678。"), "电话139****5678。")
        self.assertEqual(share.mask_numbers_in_text("回电 138\u3000 1234"), "回电 138\u3000 1234")
        self.assertEqual(share.mask_numbers_in_text("回电 138\u300012345678。"), "回电 138****5678。")


class Product(unittest.TestCase):
    """The product's own pieces over the examples of the specification."""

    @classmethod
    def setUpClass(cls):
        cls.schemas = Schemas()

    def test_the_person_example_of_chapter_10_round_trips_and_validates(self):
        person = {
            "type": "Person", "id": "gusu.person.000123",
            "meta": {"source": {"vendor": "示例科技有限公司", "product": "智慧社区管理平台", "version": "3.2.1"},
                     "sourceId": "RK-2019-004471", "createdAt": "2019-07-01T09:30:00+08:00",
                     "updatedAt": "2024-04-18T15:02:41+08:00", "version": 7, "classification": "restricted"},
            "name": "王秀英", "gender": "2", "birthDate": "1920-04-03",
            "identifiers": [{"scheme": "resident-id", "value": "33010219200403064X", "issuer": "杭州市公安局上城区分局"}],
            "ethnicGroup": "01", "nationality": "CHN", "phones": ["13812345678", "0512-65221234"],
            "residences": [{"place": {"type": "Place", "id": "gusu.place.hqxy-3-2-501"}, "kind": "registered",
                            "since": "1998-06-01"}],
            "household": {"householdId": "320508012345", "relationship": "02"},
            "education": "81", "politicalStatus": "13", "careTags": ["elderly-living-alone", "elderly-advanced-age"],
        }
        self.assertEqual(Validator(self.schemas).findings(person), [])
        store = Store(self.schemas)
        store.put(person)
        self.assertEqual(store.get("Person", person["id"]), person)
        wrong_gender = dict(person, gender="1")
        self.assertIn("id-number-gender-mismatch", [f[0] for f in Validator(self.schemas).findings(wrong_gender)])
        with_version_float = dict(person, meta=dict(person["meta"], version=7.0))
        self.assertFalse(Validator(self.schemas).accepts(with_version_float))  # [CON-008]


if __name__ == "__main__":
    unittest.main()
