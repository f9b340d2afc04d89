using System.Collections.Immutable;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// One change to the pathway between knowledge-base versions (clinical.md "Changes in …"): the rule (an id of
/// <see cref="RuleCatalog"/>) or the section it belongs to, what changed, the clause that states it, and the vignettes
/// that show the new behaviour (their method names; a test checks that each exists and exercises the rule).
/// </summary>
/// <param name="Version">Knowledge-base version that made the change.</param>
/// <param name="Rule">Rule id (R1, R7.3 …) or, for a change outside the rules, the section name ("Plasma exchange plan").</param>
/// <param name="Text">What changed, in words.</param>
/// <param name="Clause">Where clinical.md states it.</param>
/// <param name="Vignettes">Vignette methods that show it.</param>
public sealed record KnowledgeBaseChange(string Version, string Rule, string Text, string Clause, ImmutableArray<string> Vignettes);

/// <summary>
/// The change log between knowledge-base versions, kept beside the rules it describes (the pathway book renders it;
/// <see cref="RuleDescriptor.Changes"/> of each rule is filled from it). Order: clinical.md "Changes in 2026.2".
/// </summary>
public static class KnowledgeBaseChanges
{
    /// <summary>Sections of clinical.md that change without being a rule.</summary>
    public static ImmutableArray<string> Sections { get; } = ["Conventions", "Evaluation order", "Plasma exchange plan", "Apheresis response factors"];

    private const string V = "2026.2";
    private const string Clarifications = "Changes in 2026.2, clarifications";

    /// <summary>Every change, oldest version first, in the order clinical.md lists them.</summary>
    public static ImmutableArray<KnowledgeBaseChange> All { get; } =
    [
        new(V, "Apheresis response factors", "New: the seven published predictors of response to apheresis, per patient, when an apheresis plan is present and NMOSD/MOGAD is not suspected; informational, never a score (E-KEEGAN-2002, E-EHLER-2015, E-MARRODAN-2025). Disease duration counts from the MS diagnosis's onset; no onset → unknown.",
            "Apheresis response factors; Changes in 2026.2", ["Steroid_refractory_patient_with_an_mri_and_a_reflex_examination_sees_seven_response_factors_and_an_unchanged_recommendation", "Disease_duration_without_a_diagnosis_onset_is_unknown"]),
        new(V, "R3.1", "An untreated NMOSD attack is urgent after 42 days (flag apheresis-delayed) and a specialist decision after 90 days (was emergency plasma exchange at any delay).",
            "R3.1 (2026.2); Changes in 2026.2", ["Untreated_aqp4_attack_seven_weeks_old_gets_urgent_plasma_exchange_with_the_delay_flag", "Untreated_nmosd_attack_after_a_hundred_days_is_a_specialist_decision_with_delay_flag"]),
        new(V, "R2.2a", "R2.2a (new): an unclosed attack with no activity for 180 days (treated) or 365 days (untreated) is no longer a current episode; flag unclosed-relapse-record.",
            "R2.2a (2026.2); Changes in 2026.2", ["Treated_relapse_record_left_open_for_seven_months_is_no_longer_a_current_attack", "Open_relapse_record_marked_recurrence_is_never_aged_out"]),
        new(V, "R9", "No dmt-review beside possible-nmosd; beside possible-mogad it points to MOGAD expertise.",
            "R9 dmt-review (2026.2); Changes in 2026.2", ["Aqp4_positive_relapse_gets_no_review_of_ms_disease_modifying_therapy", "Mog_positive_relapse_is_pointed_to_mogad_expertise_for_maintenance_therapy"]),
        new(V, "Plasma exchange plan", "Warning tpe-volume-check when Nadler's and the weight-based volume disagree by more than 30 % (also in the tpe-plan calculator).",
            "Plasma exchange plan (2026.2); Changes in 2026.2", ["Very_heavy_man_whose_weight_based_volume_exceeds_nadler_by_a_third_gets_a_volume_check", "Ordinary_build_gets_no_volume_check"]),
        new(V, "R7.1", "A course in progress is planned as the rest of that course: the sessions given (with their kind) then the remaining ones; summary \"session K of N\", courseEndsOn and lateReassessOn from the last remaining session; no ACE-inhibitor delay inside a course.",
            "Plasma exchange plan, \"A course in progress (R7.1)\" (2026.2)", ["Plasma_exchange_with_four_of_five_given_is_planned_as_the_last_session_of_that_course", "Immunoadsorption_after_mixed_sessions_marks_each_given_session_with_its_kind", "Remaining_exchanges_of_a_course_in_progress_are_not_delayed_by_the_ace_inhibitor"]),
        new(V, "Conventions", "Course under 18: a course day is methylprednisolone ≥ 500 mg or ≥ 20 mg/kg/day (per kg only with a weight from the last 30 days).",
            Clarifications + ": Course (Conventions)", ["Child_dose_of_twenty_mg_per_kg_is_a_course_only_with_a_recent_weight"]),
        new(V, "R1", "A deceased patient gets no flags and no missing data.", Clarifications + ": R1 (deceased)", ["Deceased_patient_gets_no_flags_and_no_missing_data"]),
        new(V, "R2.2", "A record resolved without an abatement date is resolved at its own onset (180-day test).", Clarifications + ": R2.2", ["Record_resolved_without_a_date_is_resolved_at_its_own_onset"]),
        new(V, "R1", "A transient record more recent than the attack: times compared on the same day when both carry one.", Clarifications + ": R1 (times)", ["Transient_record_on_the_attack_day_is_more_recent_only_by_its_time"]),
        new(V, "R2.3", "Steroids under notRecommended means every steroid action (oral, IV and escalated IV).", Clarifications + ": R2.3", ["Suspected_pseudo_relapse_lists_every_steroid_action_as_not_recommended"]),
        new(V, "R3", "The concurrent specialist review for possible-nmosd and natalizumab applies under every status in which an attack is evaluated, a resolved attack included; at least urgent.",
            Clarifications + ": R3; Evaluation order step 2", ["Resolved_attack_in_an_aqp4_positive_patient_is_observed_with_the_nmosd_flag", "Resolved_attack_on_natalizumab_still_gets_an_urgent_specialist_review"]),
        new(V, "R4", "edss-inconsistent for any assessment read within the windows, used or not; no-episode and not-a-relapse name no EDSS missing data.",
            Clarifications + ": R4", ["Inconsistent_assessment_not_used_still_raises_the_flag_within_the_window", "Not_a_relapse_names_no_edss_missing_data"]),
        new(V, "R5", "late-for-steroids for 15–42 days only; more than 42 days → specialist review for every severity.", Clarifications + ": R5", ["Late_for_steroids_is_flagged_from_day_fifteen_to_forty_two"]),
        new(V, "R6", "A course whose last dose has no route is read as oral; the rationale says \"route not recorded: read as oral (check it)\", and apheresis is listed among the alternatives.",
            Clarifications + ": R6 (route)", ["Course_without_a_route_lists_apheresis_among_the_alternatives"]),
        new(V, "R6.3", "Without a baseline, responded: rehabilitation when the latest EDSS is above 0, else observe.", Clarifications + ": R6.3", ["Steroid_response_without_a_baseline_rehabilitates_a_deficit_left"]),
        new(V, "R7", "steroidResponse is inadequate when a course ended before the first session's date, unknown when a course ran into it, else not-applicable.",
            Clarifications + ": R7", ["Steroid_response_under_apheresis_depends_on_how_the_course_met_the_first_session"]),
        new(V, "R7.3", "Without a baseline: responded when the improvement from nadir is ≥ 1.0; otherwise too-early before 28 days after the last session, then unknown with specialist review (no plasma-exchange alternative).",
            Clarifications + ": R7 (R7.3 without a baseline)", ["Completed_apheresis_without_a_baseline_waits_twenty_eight_days_before_calling_it_unknown"]),
        new(V, "R8.1", "steroid-allergy is raised whenever an attack is evaluated (every status except no-episode).", Clarifications + ": R8.1", ["Steroid_allergy_is_flagged_under_every_status_but_no_episode"]),
        new(V, "R8.3", "Labs: the latest date decides, and any value on that date below the threshold raises the caution.", Clarifications + ": R8.3 (labs)", ["Low_calcium_on_the_latest_date_raises_the_caution_whatever_its_time"]),
        new(V, "Evaluation order", "Step 5: a primary displaced by a modifier goes to the front of the alternatives.", Clarifications + ": Step 5", ["Displaced_plasma_exchange_goes_to_the_front_of_the_alternatives"]),
        new(V, "R9", "A child's listed steroid without a weight names weight (blocking); birth-date always named when missing (blocking when a steroid or apheresis is listed, else info); children get escalated IV methylprednisolone under notRecommended wherever R6.4 would list it for an adult.",
            Clarifications + ": R9", ["Child_with_a_steroid_alternative_and_no_weight_names_the_weight_as_blocking", "Missing_birth_date_is_named_as_info_when_no_treatment_is_listed", "Child_after_a_failed_iv_course_is_not_offered_escalated_steroids"]),
    ];

    /// <summary>The changes recorded for a rule id or section, in order.</summary>
    public static ImmutableArray<KnowledgeBaseChange> For(string ruleOrSection) => [.. All.Where(c => c.Rule == ruleOrSection)];
}
