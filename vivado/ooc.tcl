# ooc.tcl: out-of-context synthesis and implementation of a potgen design, with utilisation,
# timing and power reports. Part of potgen; copied verbatim into every design's vivado/ folder.
#
#   vivado -mode batch -nojournal -source vivado/ooc.tcl [-tclargs <step>...]
#
# Steps: synth, impl, reports (default: all three, in one Vivado). Each step run alone reopens
# the previous step's checkpoint. Outputs land in vivado/ooc/: post_synth.dcp, post_route.dcp,
# utilization.rpt, utilization_hier.rpt, timing_summary.rpt, power.rpt.
set here [file dirname [file normalize [info script]]]
source [file join $here potgen_flow.tcl]
source [file join $here settings.tcl]
set potgen(here) $here
set steps [expr {$argc > 0 ? $argv : {synth impl reports}}]
foreach step $steps {
    if {$step ni {synth impl reports}} { potgen::fail "unknown step '$step': ooc.tcl takes synth, impl and reports" }
}
potgen::check_version
set out [file join $here ooc]
file mkdir $out
foreach step $steps {
    potgen::note "out-of-context $step of $potgen(top) for $potgen(part) at $potgen(clock_mhz) MHz"
    potgen::ooc_$step $out
}
potgen::note "out-of-context run done: reports in $out"
