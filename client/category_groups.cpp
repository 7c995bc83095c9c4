#include "client/category_groups.h"

namespace gongyou::client {

const std::vector<CategoryGroup>& categoryGroups() {
  static const std::vector<CategoryGroup> groups{
      {"pay",
       {"wage_arrears", "illegal_deduction", "below_minimum_wage", "overtime_pay_unpaid", "social_insurance_unpaid",
        "housing_fund_unpaid", "severance_unpaid", "pay_increase_demand"}},
      {"contract",
       {"no_written_contract", "recruitment_deception", "deposits_recruitment_fees", "unlawful_dismissal",
        "dispatch_abuse"}},
      {"hours", {"excessive_hours", "leave_denied"}},
      {"safety", {"work_injury", "osh_hazard", "occupational_disease", "dormitory_conditions"}},
      {"freedom", {"id_document_retention", "forced_labour", "child_labour", "juvenile_student_worker"}},
      {"discrimination",
       {"discrimination_unequal_pay", "maternity_rights", "sexual_harassment", "violence_threats",
        "retaliation_association"}},
      {"other", {"other"}},
  };
  return groups;
}

}  // namespace gongyou::client
