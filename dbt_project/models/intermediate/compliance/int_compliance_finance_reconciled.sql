-- The operator's accounts (regnskap) set against what the platform computes, per agreement-year,
-- as compliance rows: a difference is a finding, not two contradicting figures in one report.
-- - finance_grants_match_agreement: grants in the accounts (inntekt_tilskudd) against the
--   agreement's amounts for the year, summed over its funders (int_funding_amounts_computed);
--   unknown while any funder's amount is (a blank rate is missing, never zero).
-- - finance_fee_income_matches_courses: participant fees in the accounts (inntekt_egenandel)
--   against the theme course fees computed from the courses and attendances (fee × attendances,
--   the report's «Egenandeler temakurs»). Where suppression hides the course figures, the
--   explanation names neither fee figure, since either would reveal the hidden count.
-- No accounts for the year yet: pending.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

amounts as (
    select * from {{ ref('int_funding_amounts_computed') }}
),

finance as (
    select * from {{ ref('stg_operators__finance_records') }}
),

kpi_counts as (
    select * from {{ ref('int_kpi_counts_suppressed') }}
    where grain = 'region'
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

accounts as (
    select
        region_id,
        year,
        sum(amount_nok) filter (where category = 'inntekt_tilskudd') as reported_grants_nok,
        sum(amount_nok) filter (where category = 'inntekt_egenandel') as reported_fees_nok
    from finance
    where record_type = 'regnskap'
    group by region_id, year
),

agreement_totals as (
    select
        agreement_id,
        year,
        case when bool_and(status = 'ok') then sum(amount_nok) end as agreement_total_nok,
        coalesce(sum(amount_nok), 0) as known_total_nok,
        string_agg(
            case when status <> 'ok' then funder_name || ' (' || funder_id || ')' end,
            ', '
            order by funder_id
        ) as unknown_funders,
        {{ weakest_standing_agg('data_standing') }} as amount_standing
    from amounts
    group by agreement_id, year
),

joined as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        accounts.region_id is not null as has_accounts,
        accounts.reported_grants_nok,
        accounts.reported_fees_nok,
        agreement_totals.agreement_total_nok,
        agreement_totals.known_total_nok,
        agreement_totals.unknown_funders,
        agreement_totals.amount_standing,
        coalesce(kpi_counts.theme_course_fee_income_nok, 0) as computed_fees_nok,
        coalesce(kpi_counts.theme_course_participations_hidden, false) as fees_hidden,
        standings.operator_standing
    from agreement_years
    left join accounts
        on
            agreement_years.region_id = accounts.region_id
            and agreement_years.year = accounts.year
    left join agreement_totals
        on
            agreement_years.agreement_id = agreement_totals.agreement_id
            and agreement_years.year = agreement_totals.year
    left join kpi_counts
        on
            agreement_years.region_id = kpi_counts.region_id
            and agreement_years.year = kpi_counts.year
    left join standings
        on
            agreement_years.region_id = standings.region_id
            and agreement_years.year = standings.year
),

grants as (
    select
        agreement_id,
        region_id,
        year,
        'finance_grants_match_agreement' as rule_id,
        '§6, §7' as clause,
        case
            when not has_accounts then 'pending'
            when reported_grants_nok = agreement_total_nok then 'pass'
            else 'fail'
        end as result,
        case
            when not has_accounts
                then
                    'Regnskapet for ' || year || ' er ikke levert; tilskuddene avstemmes mot '
                    || 'avtalen når det kommer.'
            else
                'Regnskapet for ' || year || ' fører '
                || coalesce(
                    {{ nok_text('reported_grants_nok') }} || ' kr i tilskudd', 'ingen tilskudd'
                )
                || ' (inntekt_tilskudd). '
                || case
                    when agreement_total_nok is null
                        then
                            'Avtalens beløp for ' || year || ' er ukjent: stykkpris eller '
                            || 'folketall mangler for ' || unknown_funders || '. Kjent fra '
                            || 'avtalen: ' || {{ nok_text('known_total_nok') }} || ' kr; '
                            || 'regnskapet fører '
                            || {{ nok_text('abs(coalesce(reported_grants_nok, 0) - known_total_nok)') }}
                            || ' kr '
                            || case
                                when coalesce(reported_grants_nok, 0) >= known_total_nok
                                    then 'mer'
                                else 'mindre'
                            end
                            || ' enn det. Avstem når beløpene er avtalt.'
                    when reported_grants_nok = agreement_total_nok
                        then 'Det er avtalens beløp for ' || year || '.'
                    else
                        'Avtalens beløp for ' || year || ' er '
                        || {{ nok_text('agreement_total_nok') }} || ' kr. Forskjellen er '
                        || {{ nok_text('abs(coalesce(reported_grants_nok, 0) - agreement_total_nok)') }}
                        || ' kr: regnskapet fører '
                        || case
                            when coalesce(reported_grants_nok, 0) > agreement_total_nok
                                then 'mer'
                            else 'mindre'
                        end
                        || ' enn avtalen gir. Avklar med operatøren.'
                end
        end as explanation,
        'inntekt_tilskudd' as subject_id,
        {{ weakest_standing(['operator_standing', 'amount_standing']) }} as input_standing
    from joined
),

fees as (
    select
        agreement_id,
        region_id,
        year,
        'finance_fee_income_matches_courses' as rule_id,
        '§5.2.1, §7' as clause,
        case
            when not has_accounts then 'pending'
            when coalesce(reported_fees_nok, 0) = computed_fees_nok then 'pass'
            else 'fail'
        end as result,
        case
            when not has_accounts
                then
                    'Regnskapet for ' || year || ' er ikke levert; egenandelene avstemmes mot '
                    || 'kursene når det kommer.'
            when fees_hidden
                then
                    'Deltakelsene på temakurs i ' || year || ' er skjult (prikket), så '
                    || 'beløpene nevnes ikke. Egenandelene i regnskapet '
                    || case
                        when coalesce(reported_fees_nok, 0) = computed_fees_nok then 'stemmer'
                        else 'stemmer ikke'
                    end
                    || ' med kursene.'
            else
                'Regnskapet for ' || year || ' fører '
                || coalesce(
                    {{ nok_text('reported_fees_nok') }} || ' kr i egenandeler', 'ingen egenandeler'
                )
                || ' (inntekt_egenandel); temakursene gir '
                || {{ nok_text('computed_fees_nok') }} || ' kr (kursavgift × deltakelser). '
                || case
                    when coalesce(reported_fees_nok, 0) = computed_fees_nok then 'Det stemmer.'
                    else
                        'Forskjellen er '
                        || {{ nok_text('abs(coalesce(reported_fees_nok, 0) - computed_fees_nok)') }}
                        || ' kr: regnskapet fører '
                        || case
                            when coalesce(reported_fees_nok, 0) > computed_fees_nok then 'mer'
                            else 'mindre'
                        end
                        || ' enn kursene gir. Avklar med operatøren.'
                end
        end as explanation,
        'inntekt_egenandel' as subject_id,
        operator_standing as input_standing
    from joined
),

final as (
    select * from grants
    union all by name
    select * from fees
)

select * from final
