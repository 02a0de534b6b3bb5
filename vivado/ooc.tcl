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
potgen::run_flow $here ooc {synth impl reports} $argv \
    "out-of-context %STEP% of $potgen(top) for $potgen(part) at $potgen(clock_mhz) MHz"
