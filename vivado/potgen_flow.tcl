# potgen_flow.tcl: the Vivado procedures behind a design's ooc.tcl and board.tcl.
# Part of potgen; copied verbatim into every design's vivado/ folder. The design's own facts
# (part, top, sources, clock, board settings) come from settings.tcl, which only sets the array
# `potgen`; this file only defines procedures.
#
# Every failure goes through potgen::fail: one line starting "potgen: ERROR:" and exit 1, so a
# batch run never carries on from a broken step. Steps that need the previous step's result in a
# fresh Vivado process reopen its checkpoint (out of context) or project (board).

namespace eval potgen {
    # The oldest Vivado whose project layout (<project>.gen/) and commands these scripts use.
    variable oldest_vivado 2020.2
    # Set when a step has left the design it needs in memory for the next one.
    variable open_design ""
}

proc potgen::fail {message} {
    puts "potgen: ERROR: $message"
    exit 1
}

proc potgen::note {message} {
    puts "potgen: $message"
}

# The path of a design file given relative to the vivado/ folder (settings.tcl lists them so).
proc potgen::path {relative} {
    global potgen
    return [file normalize [file join $potgen(here) $relative]]
}

# Stops on a Vivado older than the oldest tested; says which one runs.
proc potgen::check_version {} {
    variable oldest_vivado
    set running [version -short]
    if {![regexp {^(\d{4})\.(\d+)} $running -> year release]} {
        potgen::fail "cannot read the Vivado version from '$running'"
    }
    regexp {^(\d{4})\.(\d+)} $oldest_vivado -> old_year old_release
    if {$year < $old_year || ($year == $old_year && $release < $old_release)} {
        potgen::fail "Vivado $running is older than $oldest_vivado, the oldest these scripts support"
    }
    potgen::note "Vivado $running"
}

# The installed board part matching the board's pattern (newest file version), or "" with a
# warning: the out-of-context run needs only the part, the board build then lacks the board preset.
proc potgen::board_part {} {
    global potgen
    set found [get_board_parts -quiet -latest_file_version $potgen(board_part)]
    if {[llength $found] == 0} {
        potgen::note "WARNING: board part $potgen(board_part) is not installed; using the bare part $potgen(part).\
            Install the $potgen(board) board files (Vivado: Tools > Vivado Store > Boards) for the processing system preset."
        return ""
    }
    return [lindex [lsort $found] end]
}

# Every design source, checked to exist before Vivado reads any.
proc potgen::sources {which} {
    global potgen
    set files {}
    foreach f $potgen($which) {
        set p [potgen::path $f]
        if {![file exists $p]} {
            potgen::fail "the design file $p is missing; rebuild the design with potgen build"
        }
        lappend files $p
    }
    return $files
}

# A constraints file holding the clock on port aclk, written beside the run's outputs.
proc potgen::clock_xdc {out} {
    global potgen
    set period [format %.3f [expr {1000.0 / $potgen(clock_mhz)}]]
    set xdc [file join $out clock.xdc]
    set f [open $xdc w]
    puts $f "# written by potgen_flow.tcl: $potgen(clock_mhz) MHz on aclk"
    puts $f "create_clock -period $period -name aclk \[get_ports aclk\]"
    close $f
    return $xdc
}

# The body of ooc.tcl and board.tcl: check the steps asked for (-tclargs; default: all), check
# Vivado, then run each step as potgen::<flow>_<step> with its outputs in vivado/<flow>/.
proc potgen::run_flow {here flow all_steps arguments describe} {
    global potgen
    set potgen(here) $here
    set steps [expr {[llength $arguments] > 0 ? $arguments : $all_steps}]
    foreach step $steps {
        if {$step ni $all_steps} { potgen::fail "unknown step '$step': $flow.tcl takes [join [lrange $all_steps 0 end-1] {, }] and [lindex $all_steps end]" }
    }
    potgen::check_version
    set out [file join $here $flow]
    file mkdir $out
    foreach step $steps {
        potgen::note [string map [list %STEP% $step] $describe]
        potgen::${flow}_$step $out
    }
    potgen::note "$flow run done: outputs in $out"
}

# ------------------------------------------------------------------ out of context

proc potgen::ooc_synth {out} {
    global potgen
    variable open_design
    foreach f [potgen::sources sources] { read_verilog $f }
    read_xdc -mode out_of_context [potgen::clock_xdc $out]
    synth_design -top $potgen(top) -part $potgen(part) -mode out_of_context
    write_checkpoint -force [file join $out post_synth.dcp]
    report_utilization -file [file join $out post_synth_utilization.rpt]
    set open_design synth
}

proc potgen::ooc_impl {out} {
    variable open_design
    if {$open_design ne "synth"} { potgen::open_checkpoint [file join $out post_synth.dcp] }
    opt_design
    place_design
    phys_opt_design
    route_design
    write_checkpoint -force [file join $out post_route.dcp]
    set open_design routed
}

proc potgen::ooc_reports {out} {
    variable open_design
    if {$open_design ne "routed"} { potgen::open_checkpoint [file join $out post_route.dcp] }
    potgen::reports $out 1
}

# The worst slack of one delay type, or "" when the design has no such timing path (get_property
# would fail on an empty list).
proc potgen::worst_slack {delay_type} {
    set paths [get_timing_paths -delay_type $delay_type -max_paths 1 -nworst 1]
    if {[llength $paths] == 0} { return "" }
    return [get_property SLACK $paths]
}

proc potgen::open_checkpoint {dcp} {
    if {![file exists $dcp]} {
        potgen::fail "$dcp is missing: run the previous step first"
    }
    # Vivado's command, not this procedure (inside namespace potgen the bare name is this one).
    ::open_checkpoint $dcp
}

# Utilisation (flat and by hierarchy), timing summary and power of the design in memory; with
# `saif` set, power from potgen's simulated activity when the design has a SAIF file (its
# hierarchy is the design's top, as out of context). Fails on negative slack unless settings.tcl
# allows it (the reports are written first, so there is something to look at).
proc potgen::reports {out saif} {
    global potgen
    report_utilization -file [file join $out utilization.rpt]
    report_utilization -hierarchical -hierarchical_depth 4 -file [file join $out utilization_hier.rpt]
    report_timing_summary -max_paths 10 -report_unconstrained -file [file join $out timing_summary.rpt]
    if {$saif} {
        set activity [potgen::path $potgen(saif)]
        if {[file exists $activity]} {
            potgen::note "reading simulated activity from $activity"
            read_saif -strip_path $potgen(saif_scope) $activity
        } else {
            potgen::note "no SAIF file at $activity: power from Vivado's default activity (potgen compare --saif writes one)"
        }
    }
    report_power -file [file join $out power.rpt]
    set setup [potgen::worst_slack max]
    set hold [potgen::worst_slack min]
    potgen::note "worst setup slack $setup ns, worst hold slack $hold ns at $potgen(clock_mhz) MHz"
    if {$setup ne "" && $setup < 0 && !$potgen(allow_negative_slack)} {
        potgen::fail "timing is not met at $potgen(clock_mhz) MHz (worst setup slack $setup ns); see [file join $out timing_summary.rpt], or lower the clock"
    }
    if {$hold ne "" && $hold < 0 && !$potgen(allow_negative_slack)} {
        potgen::fail "hold timing is not met (worst hold slack $hold ns); see [file join $out timing_summary.rpt]"
    }
}

# ------------------------------------------------------------------ board build

# A project with the block design: the processing system with the board preset, an AXI DMA in
# simple mode, the design's board shell on its two streams, one clock and one reset.
proc potgen::board_project {out} {
    global potgen
    variable open_design
    set board_part [potgen::board_part]
    create_project -force $potgen(design) [file join $out project] -part $potgen(part)
    if {$board_part ne ""} { set_property board_part $board_part [current_project] }
    add_files -norecurse [concat [potgen::sources sources] [potgen::sources shell_sources]]
    update_compile_order -fileset sources_1

    create_bd_design $potgen(bd)
    set ps [create_bd_cell -type ip -vlnv $potgen(ps_vlnv) ps]
    if {$board_part ne ""} {
        apply_bd_automation -rule xilinx.com:bd_rule:zynq_ultra_ps_e -config {apply_board_preset "1"} $ps
    }
    set_property -dict [concat $potgen(ps_config) [list $potgen(ps_clock_property) $potgen(clock_mhz)]] $ps

    set dma [create_bd_cell -type ip -vlnv $potgen(dma_vlnv) axi_dma]
    set_property -dict $potgen(dma_config) $dma
    set accel [create_bd_cell -type module -reference $potgen(shell_top) accel]
    set reset [create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset reset]
    set control [create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect control]
    set_property -dict [list CONFIG.NUM_SI 1 CONFIG.NUM_MI 1] $control
    set memory [create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect memory]
    set_property -dict [list CONFIG.NUM_SI 2 CONFIG.NUM_MI 1] $memory

    # Streams: memory → DMA → design → DMA → memory.
    connect_bd_intf_net [get_bd_intf_pins axi_dma/M_AXIS_MM2S] [get_bd_intf_pins accel/s_axis]
    connect_bd_intf_net [get_bd_intf_pins accel/m_axis] [get_bd_intf_pins axi_dma/S_AXIS_S2MM]
    # The processing system programs the DMA; the DMA reads and writes DDR through HP0.
    connect_bd_intf_net [get_bd_intf_pins ps/M_AXI_HPM0_FPD] [get_bd_intf_pins control/S00_AXI]
    connect_bd_intf_net [get_bd_intf_pins control/M00_AXI] [get_bd_intf_pins axi_dma/S_AXI_LITE]
    connect_bd_intf_net [get_bd_intf_pins axi_dma/M_AXI_MM2S] [get_bd_intf_pins memory/S00_AXI]
    connect_bd_intf_net [get_bd_intf_pins axi_dma/M_AXI_S2MM] [get_bd_intf_pins memory/S01_AXI]
    connect_bd_intf_net [get_bd_intf_pins memory/M00_AXI] [get_bd_intf_pins ps/S_AXI_HP0_FPD]
    # One clock (pl_clk0) and its synchronised reset for everything in the fabric.
    connect_bd_net [get_bd_pins ps/pl_clk0] \
        [get_bd_pins ps/maxihpm0_fpd_aclk] [get_bd_pins ps/saxihp0_fpd_aclk] \
        [get_bd_pins reset/slowest_sync_clk] [get_bd_pins control/aclk] [get_bd_pins memory/aclk] \
        [get_bd_pins axi_dma/s_axi_lite_aclk] [get_bd_pins axi_dma/m_axi_mm2s_aclk] [get_bd_pins axi_dma/m_axi_s2mm_aclk] \
        [get_bd_pins accel/aclk]
    connect_bd_net [get_bd_pins ps/pl_resetn0] [get_bd_pins reset/ext_reset_in]
    connect_bd_net [get_bd_pins reset/interconnect_aresetn] [get_bd_pins control/aresetn] [get_bd_pins memory/aresetn]
    connect_bd_net [get_bd_pins reset/peripheral_aresetn] [get_bd_pins axi_dma/axi_resetn] [get_bd_pins accel/aresetn]

    assign_bd_address
    validate_bd_design
    save_bd_design
    set bd_file [get_files $potgen(bd).bd]
    generate_target all $bd_file
    set wrapper [make_wrapper -files $bd_file -top]
    add_files -norecurse $wrapper
    set_property top $potgen(bd)_wrapper [current_fileset]
    update_compile_order -fileset sources_1
    set open_design project
}

proc potgen::open_board_project {out} {
    global potgen
    variable open_design
    if {$open_design ne ""} return
    set xpr [file join $out project $potgen(design).xpr]
    if {![file exists $xpr]} { potgen::fail "$xpr is missing: run the project step first" }
    open_project $xpr
    set open_design project
}

# Fails unless the run reached 100% without errors (a failed run can still return from wait_on_run).
proc potgen::check_run {run} {
    set progress [get_property PROGRESS [get_runs $run]]
    set status [get_property STATUS [get_runs $run]]
    if {$progress ne "100%" || [string match -nocase "*error*" $status] || [string match -nocase "*failed*" $status]} {
        potgen::fail "run $run stopped at $progress ($status); its log is [file join [get_property DIRECTORY [get_runs $run]] runme.log]"
    }
    potgen::note "run $run: $status"
}

proc potgen::board_bitstream {out} {
    global potgen
    potgen::open_board_project $out
    reset_run synth_1
    launch_runs synth_1 -jobs $potgen(jobs)
    wait_on_run synth_1
    potgen::check_run synth_1
    launch_runs impl_1 -to_step write_bitstream -jobs $potgen(jobs)
    wait_on_run impl_1
    potgen::check_run impl_1
}

# The hardware handoff (XSA with the bitstream, for Vitis/PetaLinux), the bitstream and .hwh under
# the design's name (for PYNQ), and the routed design's reports.
proc potgen::board_export {out} {
    global potgen
    potgen::open_board_project $out
    open_run impl_1
    write_hw_platform -fixed -include_bit -force -file [file join $out $potgen(design).xsa]
    set bits [glob -nocomplain -directory [get_property DIRECTORY [get_runs impl_1]] *.bit]
    if {[llength $bits] != 1} { potgen::fail "expected one bitstream in the impl_1 run folder, found [llength $bits]" }
    file copy -force [lindex $bits 0] [file join $out $potgen(design).bit]
    set hwh [glob -nocomplain -directory [file join $out project] -types f "*.gen/sources_1/bd/$potgen(bd)/hw_handoff/$potgen(bd).hwh"]
    if {[llength $hwh] != 1} { potgen::fail "cannot find the block design's hardware handoff ($potgen(bd).hwh) under [file join $out project]" }
    file copy -force [lindex $hwh 0] [file join $out $potgen(design).hwh]
    potgen::reports $out 0
}
