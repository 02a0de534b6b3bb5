# board.tcl: a Vivado project for the board in settings.tcl (the processing system, an AXI DMA
# and the design's board shell), its bitstream, and the files a host needs to run it.
# Part of potgen; copied verbatim into every design's vivado/ folder.
#
#   vivado -mode batch -nojournal -source vivado/board.tcl [-tclargs <step>...]
#
# Steps: project, bitstream, export (default: all three, in one Vivado). Each step run alone
# reopens the project. Outputs land in vivado/board/: project/ (the Vivado project), <design>.xsa
# (hardware handoff with the bitstream), <design>.bit and <design>.hwh (for PYNQ), and the routed
# design's utilization.rpt, utilization_hier.rpt, timing_summary.rpt and power.rpt.
set here [file dirname [file normalize [info script]]]
source [file join $here potgen_flow.tcl]
source [file join $here settings.tcl]
potgen::run_flow $here board {project bitstream export} $argv \
    "board %STEP% of $potgen(design) for the $potgen(board) ($potgen(part)) at $potgen(clock_mhz) MHz"
