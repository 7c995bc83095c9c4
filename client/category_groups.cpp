#include "client/category_groups.h"

#include "protocol/messages.h"

namespace gongyou::client {

const std::vector<CategoryGroup>& categoryGroups() {
  static const std::vector<CategoryGroup> groups{
      {"pay", N_("Pay: wages not paid, cut or too low"),
       {"wage_arrears", "illegal_deduction", "below_minimum_wage", "overtime_pay_unpaid", "social_insurance_unpaid",
        "housing_fund_unpaid", "severance_unpaid", "pay_increase_demand"}},
      {"contract", N_("Contract, hiring and dismissal"),
       {"no_written_contract", "recruitment_deception", "deposits_recruitment_fees", "unlawful_dismissal",
        "dispatch_abuse"}},
      {"hours", N_("Working hours and rest days"), {"excessive_hours", "leave_denied"}},
      {"safety", N_("Safety, health, injury, dormitory"), {"work_injury", "osh_hazard", "occupational_disease", "dormitory_conditions"}},
      {"freedom", N_("ID papers kept, not free to leave, child workers"), {"id_document_retention", "forced_labour", "child_labour", "juvenile_student_worker"}},
      {"discrimination", N_("Unfair treatment, harassment, threats"),
       {"discrimination_unequal_pay", "maternity_rights", "sexual_harassment", "violence_threats",
        "retaliation_association"}},
      {"other", N_("Something else"), {"other"}},
  };
  return groups;
}

}  // namespace gongyou::client
