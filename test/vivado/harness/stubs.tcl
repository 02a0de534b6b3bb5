# stubs.tcl: a dry-run Vivado for potgen's vivado/*.tcl scripts, in plain tclsh.
#
# Every Vivado command the scripts use is a stub here that
#   - checks its options against the command's documented syntax (UG835, Vivado Design Suite Tcl
#     Command Reference Guide; the source of each list is noted beside the stub) and refuses an
#     unknown option, a missing value or required argument, an extra argument and a value outside
#     a documented enumeration;
#   - checks the state it needs, as Vivado would (a design open before a report, a placed design
#     before routing, a project before a block design, a launched run before wait_on_run, a pin
#     that exists on the cell it names, ...);
#   - records the call, one line in the call log, with absolute paths under the design folder
#     written <design> so the log is the same wherever the design was built;
#   - returns a plausible value, writes the files later steps look for (checkpoints, the project
#     file, the block design's hardware handoff, the bitstream, the XSA) and copies a real-looking
#     report from test/fixtures/vivado/ wherever a report is written.
# Any other command fails the run (`unknown` is replaced); so does a file the scripts source that
# uses a Tcl 8.6-only command (Vivado 2020.2 runs Tcl 8.5), and a procedure of the scripts that
# calls a Vivado command by a bare name it shadows in its own namespace.
#
# Modelled, not known: the pins of the four IPs the board script uses (from their product guides
# and public block-design scripts; the processing system's AXI ports and PL clocks exist only when
# the script's CONFIG turns them on, board presets are not modelled), and resetting synth_1
# resetting impl_1 too (its child run).
#
# Stricter than Vivado on purpose: options must be spelled in full (Vivado accepts unique
# prefixes), a file is read or added once, a parent run must be complete before its child is
# launched, and the block design must be validated with every clock pin connected and its
# addresses assigned. Vivado does accept a positional argument given by its documented name
# (`make_wrapper -files`, `write_hw_platform -file`, `set_property -name/-value/-objects`); so does
# this harness.
#
# Settings, from the environment:
#   DRYRUN_LOG           the call log (appended; default ./dryrun.calls)
#   DRYRUN_DESIGN        the folder written <design> (default: the script's folder's parent)
#   DRYRUN_FIXTURES      where the report fixtures are (default test/fixtures/vivado)
#   DRYRUN_REPORTS       fixtures to use instead of others, e.g. "utilization.rpt=utilization_2019.rpt"
#   DRYRUN_VERSION       what `version -short` says (default 2023.2)
#   DRYRUN_BOARD_PARTS   the installed board parts, space-separated ("" for none; default a
#                        ZCU104 and a ZCU102 board part)
#   DRYRUN_PROGRESS      a run's PROGRESS: "90%" for every run, or "impl_1=90% synth_1=100%"
#   DRYRUN_SLACK         worst setup slack in ns (default 0.412); negative selects the failing
#                        timing report fixture
#   DRYRUN_HOLD_SLACK    worst hold slack in ns (default 0.021)

namespace eval ::dryrun {
    variable here [file dirname [file normalize [info script]]]
    variable design_dir ""
    variable log ""
    variable errors 0
    # The in-memory design (non-project flow, or a run opened in a project).
    variable design [dict create stage none]
    # Files read by read_verilog / read_xdc since the start (non-project flow).
    variable reads {}
    variable xdcs {}
    variable saif_read 0
    # The open project (a dict, persisted in its .xpr), or "".
    variable project ""
    variable specs
    array set specs {}
}

namespace eval ::dryrun::cmd {}

# ------------------------------------------------------------------ settings

proc ::dryrun::env {name default} {
    if {[info exists ::env($name)]} { return $::env($name) }
    return $default
}

proc ::dryrun::fixture_dir {} {
    variable here
    return [env DRYRUN_FIXTURES [file normalize [file join $here .. .. fixtures vivado]]]
}

# ------------------------------------------------------------------ call log

proc ::dryrun::start {script} {
    variable design_dir
    variable log
    set design_dir [env DRYRUN_DESIGN [file dirname [file dirname [file normalize $script]]]]
    set log [open [env DRYRUN_LOG [file join [pwd] dryrun.calls]] a]
    fconfigure $log -buffering line
}

# A word of a call as logged: paths under the design folder rewritten.
proc ::dryrun::placeholder {text} {
    variable design_dir
    if {$design_dir eq ""} { return $text }
    return [string map [list $design_dir <design>] $text]
}

proc ::dryrun::record {line} {
    variable log
    if {$log ne ""} { puts $log $line }
}

proc ::dryrun::call_line {name words} {
    set out [list $name]
    foreach w $words { lappend out [placeholder $w] }
    return $out
}

# A failure that -quiet suppresses (a pattern that matched nothing), as Vivado's -quiet does.
proc ::dryrun::soft_error {o command message} {
    if {[dict exists $o -quiet]} { return -code return "" }
    return -code error -level 2 [::dryrun::error_text $command $message]
}

proc ::dryrun::error_text {command message} {
    variable errors
    incr errors
    set text "ERROR: \[dryrun\] $command: [placeholder $message]"
    record "# $text"
    return $text
}

proc ::dryrun::warn {message} {
    puts "WARNING: \[dryrun\] [placeholder $message]"
}

# ------------------------------------------------------------------ option parser

# Defines the stub `name`. spec is a dict:
#   doc        where the option list comes from (kept for the error messages)
#   options    option → flag | arg | args (args: may repeat)
#   positional list of {name kind}, kind 1 (one), ? (optional), + (one or more), * (any)
#   required   options that must be given
#   values     option → its documented values; nocase: the same, compared without case
#   ints       options whose value is an integer
proc ::dryrun::stub {name spec body} {
    variable specs
    set specs($name) $spec
    proc ::dryrun::cmd::$name {o} $body
    proc ::$name {args} [list ::dryrun::invoke $name]
}

proc ::dryrun::invoke {name} {
    upvar 1 args words
    set o [parse $name $words]
    record [call_line $name $words]
    puts "INFO: \[dryrun\] [placeholder [call_line $name $words]]"
    set code [catch {::dryrun::cmd::$name $o} result options]
    if {$code == 1} { return -code error $result }
    return $result
}

proc ::dryrun::parse {name words} {
    variable specs
    set spec $specs($name)
    set doc [dict get $spec doc]
    set options [dict get $spec options]
    set positional [expr {[dict exists $spec positional] ? [dict get $spec positional] : {}}]
    set posnames {}
    foreach p $positional { lappend posnames [lindex $p 0] }
    set o [dict create]
    set loose {}
    set named [dict create]
    set n [llength $words]
    for {set i 0} {$i < $n} {incr i} {
        set w [lindex $words $i]
        if {[dict exists $options $w]} {
            set kind [dict get $options $w]
            if {$kind eq "flag"} {
                if {[dict exists $o $w]} { parse_error $name $words "option $w is given twice" }
                dict set o $w 1
                continue
            }
            if {$i + 1 >= $n} { parse_error $name $words "option $w needs a value ($doc)" }
            incr i
            set v [lindex $words $i]
            if {$kind eq "args"} {
                dict lappend o $w $v
            } else {
                if {[dict exists $o $w]} { parse_error $name $words "option $w is given twice" }
                dict set o $w $v
            }
            continue
        }
        if {[string index $w 0] eq "-" && [lsearch -exact $posnames [string range $w 1 end]] >= 0} {
            # A positional argument given by its documented name, as Vivado allows.
            if {$i + 1 >= $n} { parse_error $name $words "$w needs a value" }
            incr i
            dict set named [string range $w 1 end] [lindex $words $i]
            continue
        }
        if {[regexp {^-[A-Za-z_]} $w]} {
            parse_error $name $words "unknown option '$w'; $doc lists [join [lsort [dict keys $options]] {, }]"
        }
        lappend loose $w
    }
    foreach p $positional {
        lassign $p pname kind
        if {[dict exists $named $pname]} {
            dict set o $pname [dict get $named $pname]
            continue
        }
        switch -- $kind {
            1 {
                if {[llength $loose] == 0} { parse_error $name $words "the argument <$pname> is missing ($doc)" }
                dict set o $pname [lindex $loose 0]
                set loose [lrange $loose 1 end]
            }
            ? {
                if {[llength $loose] > 0} {
                    dict set o $pname [lindex $loose 0]
                    set loose [lrange $loose 1 end]
                }
            }
            + - * {
                if {$kind eq "+" && [llength $loose] == 0} { parse_error $name $words "the argument <$pname> is missing ($doc)" }
                if {[llength $loose] > 0} { dict set o $pname [concat {*}$loose] }
                set loose {}
            }
        }
    }
    if {[llength $loose] > 0} {
        parse_error $name $words "unexpected argument(s) [join $loose { }] ($doc)"
    }
    if {[dict exists $spec required]} {
        foreach r [dict get $spec required] {
            if {![dict exists $o $r]} { parse_error $name $words "the option $r is required ($doc)" }
        }
    }
    foreach {key nocase} {values 0 nocase 1} {
        if {![dict exists $spec $key]} continue
        dict for {opt allowed} [dict get $spec $key] {
            if {![dict exists $o $opt]} continue
            set v [dict get $o $opt]
            set hit [expr {$nocase ? [lsearch -exact -nocase $allowed $v] : [lsearch -exact $allowed $v]}]
            if {$hit < 0} { parse_error $name $words "$opt '$v' is not one of [join $allowed {, }] ($doc)" }
        }
    }
    if {[dict exists $spec ints]} {
        foreach opt [dict get $spec ints] {
            if {[dict exists $o $opt] && ![string is integer -strict [dict get $o $opt]]} {
                parse_error $name $words "$opt '[dict get $o $opt]' is not an integer"
            }
        }
    }
    return $o
}

proc ::dryrun::parse_error {name words message} {
    record "# REJECTED [call_line $name $words]"
    return -code error -level 2 [error_text $name $message]
}

proc ::dryrun::opt {o key {default ""}} {
    if {[dict exists $o $key]} { return [dict get $o $key] }
    return $default
}

# ------------------------------------------------------------------ Verilog, XDC and SAIF, lightly

# The modules of a Verilog file: name → dict ports (name → direction) and infos (name → X_INTERFACE_INFO).
proc ::dryrun::verilog_modules {file} {
    set f [open $file]
    set text [read $f]
    close $f
    regsub -all {/\*.*?\*/} $text { } text
    regsub -all {//[^\n]*} $text { } text
    set modules [dict create]
    set at 0
    while {[regexp -indices -start $at {\mmodule\s+([A-Za-z_][A-Za-z0-9_$]*)} $text whole nm]} {
        set name [string range $text {*}$nm]
        set i [expr {[lindex $whole 1] + 1}]
        set i [skip_space $text $i]
        if {[string index $text $i] eq "#"} {
            set i [skip_space $text [expr {$i + 1}]]
            set i [balanced_end $text $i]
            set i [skip_space $text $i]
        }
        set ports [dict create]
        set widths [dict create]
        set infos [dict create]
        set endm [string first endmodule $text $i]
        if {$endm < 0} { set endm [string length $text] }
        if {[string index $text $i] eq "("} {
            set close [balanced_end $text $i]
            set header [string range $text [expr {$i + 1}] [expr {$close - 2}]]
            set body [string range $text $close $endm]
            foreach chunk [split_top $header] {
                set info ""
                if {[regexp {X_INTERFACE_INFO\s*=\s*"([^"]*)"} $chunk -> info]} {}
                regsub -all {\(\*.*?\*\)} $chunk { } chunk
                set chunk [string trim [lindex [split $chunk =] 0]]
                if {![regexp {([A-Za-z_][A-Za-z0-9_$]*)\s*$} $chunk -> port]} continue
                set dir ""
                if {![regexp {\m(input|output|inout)\M} $chunk -> dir]} {
                    regexp "\\m(input|output|inout)\\M\[^;\]*\\m$port\\M" $body -> dir
                }
                dict set ports $port $dir
                set width ""
                if {[regexp {\[\s*([0-9]+)\s*:\s*([0-9]+)\s*\]} $chunk -> msb lsb]} { set width [expr {abs($msb - $lsb) + 1}] } \
                elseif {![regexp {\[} $chunk]} { set width 1 }
                dict set widths $port $width
                if {$info ne ""} { dict set infos $port $info }
            }
        }
        dict set modules $name [dict create ports $ports widths $widths infos $infos file $file]
        set at [expr {$endm + 1}]
    }
    return $modules
}

proc ::dryrun::skip_space {text i} {
    while {$i < [string length $text] && [string is space [string index $text $i]]} { incr i }
    return $i
}

# The index just past the parenthesis that closes the one at i.
proc ::dryrun::balanced_end {text i} {
    set depth 0
    set n [string length $text]
    for {} {$i < $n} {incr i} {
        set c [string index $text $i]
        if {$c eq "("} { incr depth } elseif {$c eq ")"} {
            incr depth -1
            if {$depth == 0} { return [expr {$i + 1}] }
        }
    }
    return $n
}

# Splits on commas outside parentheses and brackets.
proc ::dryrun::split_top {text} {
    set out {}
    set depth 0
    set cur ""
    foreach c [split $text ""] {
        if {$c in {( [ \{}} { incr depth } elseif {$c in {) ] \}}} { incr depth -1 }
        if {$c eq "," && $depth == 0} { lappend out $cur; set cur "" } else { append cur $c }
    }
    lappend out $cur
    return $out
}

# The ports an XDC file refers to with [get_ports name].
proc ::dryrun::xdc_ports {file} {
    set f [open $file]
    set text [read $f]
    close $f
    set ports {}
    foreach {- p -} [regexp -all -inline {get_ports\s+\{?([A-Za-z_][A-Za-z0-9_]*)(\[[0-9]+\])?\}?} $text] { lappend ports $p }
    if {[llength $ports] == 0} { return -code error "refers to no port" }
    return $ports
}

# The INSTANCE path of every scope of a SAIF file, '/'-joined.
proc ::dryrun::saif_scopes {file} {
    set f [open $file]
    set text [read $f]
    close $f
    if {![string match "(SAIFILE*" [string trimleft $text]]} { return -code error "is not a SAIF file" }
    set scopes {}
    set stack {}
    set depth 0
    foreach token [regexp -all -inline {\(INSTANCE\s+[^\s()]+|\(|\)} $text] {
        if {[string match "(INSTANCE*" $token]} {
            incr depth
            lappend stack [list $depth [lindex $token 1]]
            set path {}
            foreach s $stack { lappend path [lindex $s 1] }
            lappend scopes [join $path /]
        } elseif {$token eq "("} {
            incr depth
        } else {
            if {[llength $stack] > 0 && [lindex $stack end 0] == $depth} { set stack [lrange $stack 0 end-1] }
            incr depth -1
        }
    }
    return $scopes
}

# ------------------------------------------------------------------ reports

proc ::dryrun::write_report {command file fixture} {
    # DRYRUN_REPORTS swaps fixtures: "utilization.rpt=utilization_2019.rpt ...".
    foreach item [env DRYRUN_REPORTS ""] {
        lassign [split $item =] from to
        if {$from eq $fixture} { set fixture $to }
    }
    set dir [file dirname $file]
    if {![file isdirectory $dir]} { return -code error -level 2 [error_text $command "the folder $dir of -file does not exist"] }
    set src [file join [fixture_dir] $fixture]
    if {[file exists $src]} {
        file copy -force $src $file
    } else {
        set f [open $file w]
        puts $f "dryrun: the fixture $fixture is missing from [fixture_dir]; this stands in for $command's report."
        close $f
        warn "the report fixture $fixture is missing; wrote a placeholder $file"
    }
}

proc ::dryrun::need_design {command} {
    variable design
    if {[dict get $design stage] eq "none"} {
        return -code error -level 2 [error_text $command "there is no open design (synth_design, open_checkpoint or open_run first)"]
    }
}

proc ::dryrun::stage_rank {stage} {
    return [lsearch -exact {none synth opt placed routed} $stage]
}

# ------------------------------------------------------------------ checkpoints

proc ::dryrun::write_state_file {file kind state} {
    set f [open $file w]
    puts $f "dryrun $kind: not a Vivado file"
    puts $f $state
    close $f
}

proc ::dryrun::read_state_file {command file kind} {
    set f [open $file]
    set first [gets $f]
    set state [read $f]
    close $f
    if {$first ne "dryrun $kind: not a Vivado file"} {
        return -code error -level 2 [error_text $command "$file was not written by this harness"]
    }
    return [string trim $state]
}

# ------------------------------------------------------------------ projects

# Saves the project (its dict) in its .xpr, as Vivado keeps the project file up to date.
proc ::dryrun::save_project {} {
    variable project
    write_state_file [dict get $project xpr] project $project
}

proc ::dryrun::need_project {command} {
    variable project
    if {$project eq ""} { return -code error -level 2 [error_text $command "no project is open"] }
}

proc ::dryrun::need_bd {command} {
    variable project
    need_project $command
    if {![dict exists $project bd]} { return -code error -level 2 [error_text $command "no block design is open (create_bd_design first)"] }
}

proc ::dryrun::gen_dir {} {
    variable project
    return [file join [dict get $project dir] "[dict get $project name].gen"]
}

proc ::dryrun::runs_dir {} {
    variable project
    return [file join [dict get $project dir] "[dict get $project name].runs"]
}

# The modules of the project's design sources (files and the block design's wrapper).
proc ::dryrun::project_modules {} {
    variable project
    set all [dict create]
    foreach f [dict get $project files] {
        if {[file extension $f] in {.v .sv}} { set all [dict merge $all [verilog_modules $f]] }
    }
    return $all
}

# The bd cell names exist, the board part and the part: the board parts the harness knows.
proc ::dryrun::board_of_part {board_part} {
    set parts {zcu104 xczu7ev-ffvc1156-2-e zcu102 xczu9eg-ffvb1156-2-e}
    set board [lindex [split $board_part :] 1]
    if {[dict exists $parts $board]} { return [dict get $parts $board] }
    return ""
}

# ------------------------------------------------------------------ block design cells and pins

# The pins of an IP cell for its configuration: name → {kind direction requirement}, where kind is
# clock, reset, data, aximm or axis; direction in/out (for interfaces: slave/master); requirement is
# {} or {CONFIG.X value ...} that must all hold for the pin to exist. From the IP product guides
# (PG021 AXI DMA, PG201 Zynq UltraScale+ MPSoC processing system, PG164 processor system reset,
# PG247 SmartConnect) and public block-design scripts that connect them.
proc ::dryrun::ip_pins {vlnv config} {
    set name [lindex [split $vlnv :] 2]
    set get {{key default} {
        upvar config config
        if {[dict exists $config $key]} { return [dict get $config $key] }
        return $default
    }}
    switch -- $name {
        axi_dma {
            # Defaults: scatter gather on, both channels on (PG021).
            set sg [apply $get CONFIG.c_include_sg 1]
            set mm2s [apply $get CONFIG.c_include_mm2s 1]
            set s2mm [apply $get CONFIG.c_include_s2mm 1]
            set pins [dict create S_AXI_LITE {aximm slave} s_axi_lite_aclk {clock in} axi_resetn {reset in}]
            if {$sg} { dict set pins M_AXI_SG {aximm master}; dict set pins m_axi_sg_aclk {clock in} }
            if {$mm2s} {
                dict set pins M_AXI_MM2S {aximm master}
                dict set pins M_AXIS_MM2S [list axis master [apply $get CONFIG.c_m_axis_mm2s_tdata_width 32]]
                dict set pins m_axi_mm2s_aclk {clock in}; dict set pins mm2s_introut {data out}
                dict set pins mm2s_prmry_reset_out_n {reset out}
            }
            if {$s2mm} {
                dict set pins M_AXI_S2MM {aximm master}
                dict set pins S_AXIS_S2MM [list axis slave [apply $get CONFIG.c_s_axis_s2mm_tdata_width 32]]
                dict set pins m_axi_s2mm_aclk {clock in}; dict set pins s2mm_introut {data out}
                dict set pins s2mm_prmry_reset_out_n {reset out}
            }
            return $pins
        }
        zynq_ultra_ps_e {
            # PSU__USE__M_AXI_GP0..2 are M_AXI_HPM0_FPD, M_AXI_HPM1_FPD, M_AXI_HPM0_LPD;
            # PSU__USE__S_AXI_GP0..6 are S_AXI_HPC0_FPD, S_AXI_HPC1_FPD, S_AXI_HP0..3_FPD, S_AXI_LPD.
            # Taken as off unless the script turns them on (the harness does not model presets).
            set pins [dict create pl_resetn0 {reset out}]
            foreach {gp intf clk} {0 M_AXI_HPM0_FPD maxihpm0_fpd_aclk 1 M_AXI_HPM1_FPD maxihpm1_fpd_aclk 2 M_AXI_HPM0_LPD maxihpm0_lpd_aclk} {
                if {[apply $get CONFIG.PSU__USE__M_AXI_GP$gp 0]} { dict set pins $intf {aximm master}; dict set pins $clk {clock in} }
            }
            foreach {gp intf clk} {0 S_AXI_HPC0_FPD saxihpc0_fpd_aclk 1 S_AXI_HPC1_FPD saxihpc1_fpd_aclk 2 S_AXI_HP0_FPD saxihp0_fpd_aclk
                                   3 S_AXI_HP1_FPD saxihp1_fpd_aclk 4 S_AXI_HP2_FPD saxihp2_fpd_aclk 5 S_AXI_HP3_FPD saxihp3_fpd_aclk 6 S_AXI_LPD saxi_lpd_aclk} {
                if {[apply $get CONFIG.PSU__USE__S_AXI_GP$gp 0]} { dict set pins $intf {aximm slave}; dict set pins $clk {clock in} }
            }
            foreach n {0 1 2 3} {
                if {[apply $get CONFIG.PSU__FPGA_PL${n}_ENABLE 0]} { dict set pins pl_clk$n {clock out} }
            }
            return $pins
        }
        proc_sys_reset {
            return [dict create slowest_sync_clk {clock in} ext_reset_in {reset in} aux_reset_in {reset in} \
                mb_debug_sys_rst {reset in} dcm_locked {data in} mb_reset {reset out} bus_struct_reset {reset out} \
                peripheral_reset {reset out} interconnect_aresetn {reset out} peripheral_aresetn {reset out}]
        }
        smartconnect {
            set pins [dict create aclk {clock in} aresetn {reset in}]
            for {set i 0} {$i < [apply $get CONFIG.NUM_SI 1]} {incr i} { dict set pins [format S%02d_AXI $i] {aximm slave} }
            for {set i 0} {$i < [apply $get CONFIG.NUM_MI 1]} {incr i} { dict set pins [format M%02d_AXI $i] {aximm master} }
            for {set i 1} {$i < [apply $get CONFIG.NUM_CLKS 1]} {incr i} { dict set pins aclk$i {clock in} }
            return $pins
        }
    }
    return ""
}

# The pins of a module-reference cell: its ports, AXI4-Stream ports grouped into interfaces the
# way IP integrator infers them (<name>_tdata, _tvalid, _tready, ... → interface <name>).
proc ::dryrun::module_pins {module} {
    set pins [dict create]
    set ports [dict get $module ports]
    set infos [dict get $module infos]
    dict for {port dir} $ports {
        if {[regexp {^(.+)_t(data|valid|ready|last|keep|strb|user|id|dest)$} $port -> intf sig]} {
            if {$sig eq "data"} { dict set pins $intf [list axis [expr {$dir eq "input" ? "slave" : "master"}] [dict get $module widths $port]] }
            continue
        }
        set kind data
        if {[dict exists $infos $port]} {
            if {[string match "*signal:clock:*" [dict get $infos $port]]} { set kind clock }
            if {[string match "*signal:reset:*" [dict get $infos $port]]} { set kind reset }
        }
        dict set pins $port [list $kind [expr {$dir eq "input" ? "in" : "out"}]]
    }
    return $pins
}

# The pins of bd cell `cell` (a dict of the cell), name → {kind direction}.
proc ::dryrun::cell_pins {command cell} {
    if {[dict get $cell type] eq "module"} {
        set modules [project_modules]
        set ref [dict get $cell reference]
        if {![dict exists $modules $ref]} {
            return -code error -level 2 [error_text $command "module $ref of the module reference is in no project source"]
        }
        return [module_pins [dict get $modules $ref]]
    }
    set pins [ip_pins [dict get $cell vlnv] [dict get $cell config]]
    if {$pins eq ""} { return -code error -level 2 [error_text $command "the harness does not know the pins of [dict get $cell vlnv]"] }
    return $pins
}

# A pin pattern's object: {cell pin kind direction} for "cell/pin", or an error.
proc ::dryrun::find_pin {o command pattern want} {
    variable project
    need_bd $command
    set path [string trimleft $pattern /]
    if {![regexp {^([^/]+)/([^/]+)$} $path -> cname pname]} {
        return -code error -level 2 [error_text $command "'$pattern' is not a cell/pin path"]
    }
    set cells [dict get $project bd cells]
    if {![dict exists $cells $cname]} {
        if {[dict exists $o -quiet]} { return "" }
        return -code error -level 2 [error_text $command "no cell '$cname' in the block design (cells: [join [dict keys $cells] {, }])"]
    }
    set pins [cell_pins $command [dict get $cells $cname]]
    if {![dict exists $pins $pname]} {
        if {[dict exists $o -quiet]} { return "" }
        return -code error -level 2 [error_text $command "cell $cname ([dict get $cells $cname vlnv][dict get $cells $cname reference]) has no pin $pname for its configuration; it has [join [lsort [dict keys $pins]] {, }]"]
    }
    set kind [lindex [dict get $pins $pname] 0]
    set isintf [expr {$kind in {aximm axis}}]
    if {($want eq "intf") != $isintf} {
        return -code error -level 2 [error_text $command "$cname/$pname is [expr {$isintf ? {an interface pin (get_bd_intf_pins)} : {a pin, not an interface pin (get_bd_pins)}}]"]
    }
    return "/$cname/$pname"
}

proc ::dryrun::pin_info {command object} {
    variable project
    regexp {^/([^/]+)/([^/]+)$} $object -> cname pname
    set pins [cell_pins $command [dict get $project bd cells $cname]]
    return [dict get $pins $pname]
}

# ------------------------------------------------------------------ stubs: general

::dryrun::stub version {
    doc {UG835 version: version [-short] [-quiet] [-verbose]}
    options {-short flag -quiet flag -verbose flag}
} {
    set v [::dryrun::env DRYRUN_VERSION 2023.2]
    if {[dict exists $o -short]} { return $v }
    return "Vivado v$v (64-bit)\nSW Build 4029153 on Fri Oct 13 20:13:54 MDT 2023\nIP Build 4028589 on Sat Oct 14 00:45:43 MDT 2023"
}

::dryrun::stub get_board_parts {
    doc {UG835 2021.2 get_board_parts: [-regexp] [-nocase] [-latest_file_version] [-latest_hw_revision] [-filter <arg>] [-quiet] [-verbose] [<patterns>...]}
    options {-regexp flag -nocase flag -latest_file_version flag -latest_hw_revision flag -filter arg -quiet flag -verbose flag}
    positional {{patterns *}}
} {
    set installed [::dryrun::env DRYRUN_BOARD_PARTS {xilinx.com:zcu104:part0:1.0 xilinx.com:zcu104:part0:1.1 xilinx.com:zcu102:part0:3.4}]
    set patterns [::dryrun::opt $o patterns *]
    set found {}
    foreach bp $installed {
        foreach p $patterns {
            if {[dict exists $o -regexp]} { set hit [regexp {*}[expr {[dict exists $o -nocase] ? {-nocase} : {}}] "^$p\$" $bp] } \
            elseif {[dict exists $o -nocase]} { set hit [string match -nocase $p $bp] } \
            else { set hit [string match $p $bp] }
            if {$hit && $bp ni $found} { lappend found $bp }
        }
    }
    if {[dict exists $o -latest_file_version]} {
        set latest [dict create]
        foreach bp [lsort -dictionary $found] { dict set latest [join [lrange [split $bp :] 0 2] :] $bp }
        set found [dict values $latest]
    }
    if {[llength $found] == 0} {
        ::dryrun::soft_error $o get_board_parts "no board part matches [join $patterns { }]"
    }
    return [lsort $found]
}

::dryrun::stub get_property {
    doc {UG835 2023.1 get_property: [-min] [-max] [-quiet] [-verbose] <name> <object>}
    options {-min flag -max flag -quiet flag -verbose flag}
    positional {{name 1} {object 1}}
} {
    set name [string toupper [dict get $o name]]
    set object [dict get $o object]
    if {[regexp {^timing_path_(max|min)$} $object -> type]} {
        if {$name ne "SLACK"} { return -code error [::dryrun::error_text get_property "the harness models only SLACK of a timing path, not $name"] }
        if {$type eq "max"} { return [::dryrun::env DRYRUN_SLACK 0.412] }
        return [::dryrun::env DRYRUN_HOLD_SLACK 0.021]
    }
    if {$::dryrun::project ne "" && [dict exists $::dryrun::project runs $object]} {
        set run $object
        set r [dict get $::dryrun::project runs $run]
        switch -- $name {
            PROGRESS { return [dict get $r progress] }
            STATUS { return [dict get $r status] }
            DIRECTORY { return [file join [::dryrun::runs_dir] $run] }
            NEEDS_REFRESH { return 0 }
        }
        return -code error [::dryrun::error_text get_property "the harness does not model the run property $name"]
    }
    return -code error [::dryrun::error_text get_property "'$object' is not an object the harness returned"]
}

::dryrun::stub set_property {
    doc {UG835 2022.2 set_property: [-dict <args>] [-quiet] [-verbose] <name> <value> <objects>...}
    options {-dict arg -quiet flag -verbose flag}
    positional {{name ?} {value ?} {objects *}}
} {
    if {[dict exists $o -dict]} {
        # With -dict there is no <name> <value>: every loose word is an object.
        set objects [concat [::dryrun::opt $o name] [::dryrun::opt $o value] [::dryrun::opt $o objects]]
        set pairs [dict get $o -dict]
        if {[llength $pairs] % 2} { return -code error [::dryrun::error_text set_property "-dict has an odd number of words"] }
    } else {
        if {![dict exists $o objects]} { return -code error [::dryrun::error_text set_property "<name> <value> <objects> are needed"] }
        set objects [dict get $o objects]
        set pairs [list [dict get $o name] [dict get $o value]]
    }
    if {[llength $objects] == 0} { return -code error [::dryrun::error_text set_property "no object to set properties on"] }
    foreach object $objects {
        foreach {key value} $pairs { ::dryrun::set_one $object $key $value }
    }
    return ""
}

proc ::dryrun::set_one {object key value} {
    variable project
    need_project set_property
    if {$object eq [dict get $project name]} {
        switch -- [string tolower $key] {
            board_part {
                set installed [env DRYRUN_BOARD_PARTS {xilinx.com:zcu104:part0:1.0 xilinx.com:zcu104:part0:1.1 xilinx.com:zcu102:part0:3.4}]
                if {$value ni $installed} { return -code error -level 2 [error_text set_property "board part $value is not installed"] }
                set part [board_of_part $value]
                if {$part ne "" && $part ne [dict get $project part]} {
                    return -code error -level 2 [error_text set_property "board part $value is for $part, the project's part is [dict get $project part]"]
                }
                dict set project board_part $value
            }
            default { return -code error -level 2 [error_text set_property "the harness does not model the project property $key"] }
        }
        save_project
        return
    }
    if {$object eq "sources_1"} {
        if {[string tolower $key] ne "top"} { return -code error -level 2 [error_text set_property "the harness models only TOP of a fileset"] }
        if {![dict exists [project_modules] $value]} {
            return -code error -level 2 [error_text set_property "no source of the project defines module $value"]
        }
        dict set project top $value
        save_project
        return
    }
    if {[regexp {^/([^/]+)$} $object -> cname]} {
        need_bd set_property
        if {![dict exists $project bd cells $cname]} { return -code error -level 2 [error_text set_property "no cell $cname"] }
        if {![string match CONFIG.* $key]} { return -code error -level 2 [error_text set_property "$key is not a CONFIG.* parameter of cell $cname"] }
        check_config $cname [dict get $project bd cells $cname vlnv] $key $value
        dict set project bd cells $cname config $key $value
        dict set project bd validated 0
        save_project
        return
    }
    return -code error -level 2 [error_text set_property "'$object' is not an object the harness returned"]
}

# The CONFIG parameters the harness knows for each IP, with their legal values (PG021, PG201, PG247).
proc ::dryrun::check_config {cname vlnv key value} {
    set ip [lindex [split $vlnv :] 2]
    set param [string range $key 7 end]
    switch -- $ip {
        axi_dma {
            set known {
                c_include_sg {0 1} c_include_mm2s {0 1} c_include_s2mm {0 1} c_include_mm2s_dre {0 1} c_include_s2mm_dre {0 1}
                c_sg_include_stscntrl_strm {0 1} c_micro_dma {0 1} c_prmry_is_aclk_async {0 1}
                c_sg_length_width {8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26}
                c_m_axis_mm2s_tdata_width {8 16 32 64 128 256 512 1024} c_s_axis_s2mm_tdata_width {8 16 32 64 128 256 512 1024}
                c_m_axi_mm2s_data_width {32 64 128 256 512 1024} c_m_axi_s2mm_data_width {32 64 128 256 512 1024}
                c_mm2s_burst_size {2 4 8 16 32 64 128 256} c_s2mm_burst_size {2 4 8 16 32 64 128 256}
                c_addr_width {32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64}
            }
            if {![dict exists $known $param]} { return -code error -level 2 [error_text set_property "axi_dma has no parameter $param the harness knows"] }
            if {$value ni [dict get $known $param]} { return -code error -level 2 [error_text set_property "axi_dma $param '$value' is not one of [dict get $known $param]"] }
        }
        smartconnect {
            set known {NUM_SI {1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16} NUM_MI {1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16} NUM_CLKS {1 2 3 4 5 6 7 8 9 10}}
            if {![dict exists $known $param]} { return -code error -level 2 [error_text set_property "smartconnect has no parameter $param the harness knows"] }
            if {$value ni [dict get $known $param]} { return -code error -level 2 [error_text set_property "smartconnect $param '$value' is out of range"] }
        }
        zynq_ultra_ps_e {
            if {![string match PSU_* $param]} { return -code error -level 2 [error_text set_property "zynq_ultra_ps_e parameters are PSU_*, not $param"] }
            if {[regexp {^PSU__(USE__[MS]_AXI_GP\d|FPGA_PL\d_ENABLE)$} $param] && $value ni {0 1}} {
                return -code error -level 2 [error_text set_property "$param '$value' is not 0 or 1"]
            }
            if {[regexp {^PSU__CRL_APB__PL\d_REF_CTRL__FREQMHZ$} $param] && !([string is double -strict $value] && $value > 0 && $value <= 600)} {
                return -code error -level 2 [error_text set_property "$param '$value' is not a frequency in MHz"]
            }
        }
        default { return -code error -level 2 [error_text set_property "the harness knows no parameters of $vlnv"] }
    }
}

# ------------------------------------------------------------------ stubs: non-project flow

::dryrun::stub read_verilog {
    doc {UG835 2023.2 read_verilog: [-library <arg>] [-sv] [-quiet] [-verbose] <files>...}
    options {-library arg -sv flag -quiet flag -verbose flag}
    positional {{files +}}
} {
    foreach f [dict get $o files] {
        if {[file pathtype $f] ne "absolute"} { set f [file normalize $f] }
        if {![file exists $f]} { return -code error [::dryrun::error_text read_verilog "$f does not exist"] }
        if {[file extension $f] ni {.v .sv .vh .svh}} { return -code error [::dryrun::error_text read_verilog "$f is not a Verilog file"] }
        if {$f in $::dryrun::reads} { return -code error [::dryrun::error_text read_verilog "$f is read twice"] }
        lappend ::dryrun::reads $f
    }
    return $f
}

::dryrun::stub read_xdc {
    doc {UG835 2020.2 read_xdc: [-cells <args>] [-ref <arg>] [-quiet_diff_pairs] [-mode <arg>] [-unmanaged] [-no_add] [-quiet] [-verbose] <files>}
    options {-cells arg -ref arg -quiet_diff_pairs flag -mode arg -unmanaged flag -no_add flag -quiet flag -verbose flag}
    positional {{files +}}
    values {-mode {default out_of_context}}
} {
    foreach f [dict get $o files] {
        if {![file exists $f]} { return -code error [::dryrun::error_text read_xdc "$f does not exist"] }
        if {[catch {::dryrun::xdc_ports $f} ports]} { return -code error [::dryrun::error_text read_xdc "$f $ports"] }
        lappend ::dryrun::xdcs [list $f [::dryrun::opt $o -mode default] $ports]
    }
    return $f
}

::dryrun::stub synth_design {
    doc {UG835 synth_design, the options of both 2020.2 and 2025.2}
    options {
        -name arg -part arg -constrset arg -top arg -include_dirs arg -generic args -verilog_define args
        -flatten_hierarchy arg -gated_clock_conversion arg -directive arg -rtl flag -bufg arg -no_lc flag
        -shreg_min_size arg -mode arg -fsm_extraction arg -rtl_skip_mlo flag -rtl_skip_ip flag
        -rtl_skip_constraints flag -srl_style arg -keep_equivalent_registers flag -resource_sharing arg
        -cascade_dsp arg -control_set_opt_threshold arg -max_bram arg -max_uram arg -max_dsp arg
        -max_bram_cascade_height arg -max_uram_cascade_height arg -no_srlextract flag -assert flag
        -no_timing_driven flag -sfcu flag -debug_log flag -quiet flag -verbose flag
    }
    values {-mode {default out_of_context} -flatten_hierarchy {full none rebuilt} -gated_clock_conversion {off on auto}}
} {
    if {[llength $::dryrun::reads] == 0} { return -code error [::dryrun::error_text synth_design "no source was read"] }
    if {![dict exists $o -top]} { return -code error [::dryrun::error_text synth_design "no -top (the harness wants the top named)"] }
    if {![dict exists $o -part]} { return -code error [::dryrun::error_text synth_design "no -part"] }
    set part [dict get $o -part]
    if {![regexp {^xc[a-z0-9]+-[a-z]+[0-9]+-[0-9]L?(-[a-z])?$} $part]} { return -code error [::dryrun::error_text synth_design "'$part' is not a part name"] }
    set modules [dict create]
    foreach f $::dryrun::reads {
        dict for {m info} [::dryrun::verilog_modules $f] {
            if {[dict exists $modules $m]} {
                return -code error [::dryrun::error_text synth_design "module $m is defined in both [dict get $modules $m file] and $f"]
            }
            dict set modules $m $info
        }
    }
    set top [dict get $o -top]
    if {![dict exists $modules $top]} { return -code error [::dryrun::error_text synth_design "no file read defines the top module $top"] }
    set ooc [expr {[::dryrun::opt $o -mode default] eq "out_of_context"}]
    foreach x $::dryrun::xdcs {
        lassign $x file mode ports
        if {$mode eq "out_of_context" && !$ooc} continue
        foreach p $ports {
            if {![dict exists $modules $top ports $p]} {
                return -code error [::dryrun::error_text synth_design "$file constrains port $p, which $top does not have"]
            }
        }
    }
    set ::dryrun::design [dict create stage synth top $top part $part ooc $ooc]
    return design_1
}

::dryrun::stub write_checkpoint {
    doc {UG835 2023.1 write_checkpoint: [-force] [-cell <arg>] [-logic_function_stripped] [-encrypt] [-key <arg>] [-quiet] [-verbose] [<file>]}
    options {-force flag -cell arg -logic_function_stripped flag -encrypt flag -key arg -quiet flag -verbose flag}
    positional {{file 1}}
} {
    ::dryrun::need_design write_checkpoint
    set file [dict get $o file]
    if {[file extension $file] ne ".dcp"} { return -code error [::dryrun::error_text write_checkpoint "$file is not a .dcp"] }
    if {[file exists $file] && ![dict exists $o -force]} { return -code error [::dryrun::error_text write_checkpoint "$file exists (no -force)"] }
    ::dryrun::write_state_file $file checkpoint $::dryrun::design
    return $file
}

::dryrun::stub open_checkpoint {
    doc {UG835 2023.1 open_checkpoint: [-part <arg>] [-ignore_timing] [-quiet] [-verbose] <file>}
    options {-part arg -ignore_timing flag -quiet flag -verbose flag}
    positional {{file 1}}
} {
    set file [dict get $o file]
    if {![file exists $file]} { return -code error [::dryrun::error_text open_checkpoint "$file does not exist"] }
    set ::dryrun::design [::dryrun::read_state_file open_checkpoint $file checkpoint]
    return checkpoint_1
}

::dryrun::stub opt_design {
    doc {UG835 2020.2 opt_design (all of them are in 2022.2 too)}
    options {
        -retarget flag -propconst flag -sweep flag -bram_power_opt flag -remap flag -aggressive_remap flag
        -resynth_area flag -resynth_seq_area flag -directive arg -muxf_remap flag -hier_fanout_limit arg
        -bufg_opt flag -shift_register_opt flag -dsp_register_opt flag -srl_remap_modes arg
        -control_set_merge flag -merge_equivalent_drivers flag -carry_remap flag -debug_log flag
        -property_opt_only flag -quiet flag -verbose flag
    }
} {
    ::dryrun::need_design opt_design
    if {[dict get $::dryrun::design stage] ne "synth"} { return -code error [::dryrun::error_text opt_design "the design is [dict get $::dryrun::design stage], not a synthesised netlist"] }
    dict set ::dryrun::design stage opt
    return ""
}

::dryrun::stub place_design {
    doc {UG835 2020.2 place_design: [-directive <arg>] [-no_timing_driven] [-timing_summary] [-unplace] [-post_place_opt] [-no_psip] [-no_bufg_opt] [-quiet] [-verbose]}
    options {-directive arg -no_timing_driven flag -timing_summary flag -unplace flag -post_place_opt flag -no_psip flag -no_bufg_opt flag -quiet flag -verbose flag}
} {
    ::dryrun::need_design place_design
    if {[dict get $::dryrun::design stage] ni {synth opt}} { return -code error [::dryrun::error_text place_design "the design is already [dict get $::dryrun::design stage]"] }
    dict set ::dryrun::design stage placed
    return ""
}

::dryrun::stub phys_opt_design {
    doc {UG904 2022.1 and UG835 2023.1 phys_opt_design, the options of both}
    options {
        -fanout_opt flag -placement_opt flag -routing_opt flag -slr_crossing_opt flag -insert_negative_edge_ffs flag
        -critical_cell_opt flag -dsp_register_opt flag -bram_register_opt flag -uram_register_opt flag
        -bram_enable_opt flag -shift_register_opt flag -hold_fix flag -aggressive_hold_fix flag -retime flag
        -force_replication_on_nets arg -directive arg -critical_pin_opt flag -clock_opt flag -path_groups arg
        -tns_cleanup flag -sll_reg_hold_fix flag -quiet flag -verbose flag
    }
} {
    ::dryrun::need_design phys_opt_design
    if {[::dryrun::stage_rank [dict get $::dryrun::design stage]] < [::dryrun::stage_rank placed]} {
        return -code error [::dryrun::error_text phys_opt_design "the design is not placed"]
    }
    return ""
}

::dryrun::stub route_design {
    doc {UG835 2020.2 route_design (-max_delay and -min_delay only with -pins)}
    options {
        -unroute flag -release_memory flag -nets arg -physical_nets flag -pins arg -directive arg -tns_cleanup flag
        -no_timing_driven flag -preserve flag -delay flag -auto_delay flag -max_delay arg -min_delay arg
        -timing_summary flag -finalize flag -ultrathreads flag -eco flag -quiet flag -verbose flag
    }
} {
    ::dryrun::need_design route_design
    if {[dict get $::dryrun::design stage] ne "placed"} { return -code error [::dryrun::error_text route_design "the design is [dict get $::dryrun::design stage], not placed"] }
    dict set ::dryrun::design stage routed
    return ""
}

::dryrun::stub report_utilization {
    doc {UG835 2023.1 report_utilization}
    options {
        -file arg -append flag -pblocks arg -evaluate_pblock flag -exclude_child_pblocks flag -exclude_non_assigned flag
        -cells arg -return_string flag -slr flag -packthru flag -name arg -no_primitives flag -omit_locs flag
        -hierarchical flag -spreadsheet_file arg -spreadsheet_table arg -spreadsheet_depth arg
        -hierarchical_depth arg -hierarchical_percentages flag -quiet flag -verbose flag
    }
    ints {-hierarchical_depth -spreadsheet_depth}
} {
    ::dryrun::need_design report_utilization
    if {[dict exists $o -hierarchical_depth] && ![dict exists $o -hierarchical]} {
        return -code error [::dryrun::error_text report_utilization "-hierarchical_depth without -hierarchical"]
    }
    if {[dict exists $o -file]} {
        ::dryrun::write_report report_utilization [dict get $o -file] [expr {[dict exists $o -hierarchical] ? "utilization_hier.rpt" : "utilization.rpt"}]
    }
    return ""
}

::dryrun::stub report_timing_summary {
    doc {UG835 2023.1 report_timing_summary}
    options {
        -check_timing_verbose flag -delay_type arg -no_detailed_paths flag -setup flag -hold flag -max_paths arg
        -nworst arg -unique_pins flag -path_type arg -no_reused_label flag -input_pins flag -no_pr_attribute flag
        -no_pblock flag -routable_nets flag -slack_lesser_than arg -report_unconstrained flag -significant_digits arg
        -no_header flag -file arg -append flag -name arg -return_string flag -warn_on_violation flag -datasheet flag
        -cells arg -rpx arg -quiet flag -verbose flag
    }
    values {-delay_type {max min min_max}}
    ints {-max_paths -nworst -significant_digits}
} {
    ::dryrun::need_design report_timing_summary
    if {[dict exists $o -file]} {
        set failing [expr {[::dryrun::env DRYRUN_SLACK 0.412] < 0}]
        ::dryrun::write_report report_timing_summary [dict get $o -file] [expr {$failing ? "timing_summary_failing.rpt" : "timing_summary.rpt"}]
    }
    return ""
}

::dryrun::stub read_saif {
    doc {UG835 2020.2 read_saif: [-strip_path <arg>] [-no_strip] [-out_file <arg>] [-quiet] [-verbose] <file>}
    options {-strip_path arg -no_strip flag -out_file arg -quiet flag -verbose flag}
    positional {{file 1}}
} {
    ::dryrun::need_design read_saif
    set file [dict get $o file]
    if {![file exists $file]} { return -code error [::dryrun::error_text read_saif "$file does not exist"] }
    if {[catch {::dryrun::saif_scopes $file} scopes]} { return -code error [::dryrun::error_text read_saif "$file $scopes"] }
    if {[dict exists $o -strip_path]} {
        set strip [dict get $o -strip_path]
        if {[string index $strip 0] eq "/"} { return -code error [::dryrun::error_text read_saif "-strip_path must not begin with '/' (UG835)"] }
        if {$strip ni $scopes} { return -code error [::dryrun::error_text read_saif "$file has no instance $strip; its scopes begin [join [lrange $scopes 0 4] {, }]"] }
    }
    set ::dryrun::saif_read 1
    return ""
}

::dryrun::stub report_power {
    doc {UG835 2021.2 report_power}
    options {
        -no_propagation flag -hier arg -hierarchical_depth arg -vid flag -advisory flag -file arg -name arg
        -format arg -xpe arg -l arg -return_string flag -append flag -rpx arg -quiet flag -verbose flag
    }
    values {-hier {logic power all} -format {text xml}}
} {
    ::dryrun::need_design report_power
    if {[dict exists $o -file]} {
        ::dryrun::write_report report_power [dict get $o -file] [expr {$::dryrun::saif_read ? "power_saif.rpt" : "power.rpt"}]
    }
    return ""
}

::dryrun::stub get_timing_paths {
    doc {UG835 2026.1 get_timing_paths (the only version found; the options used are long-standing)}
    options {
        -from arg -rise_from arg -fall_from arg -to arg -rise_to arg -fall_to arg -through args -rise_through args
        -fall_through args -delay_type arg -setup flag -hold flag -max_paths arg -nworst arg -unique_pins flag
        -slack_lesser_than arg -slack_greater_than arg -group arg -no_report_unconstrained flag -user_ignored flag
        -routable_nets flag -sort_by arg -filter arg -regexp flag -nocase flag -quiet flag -verbose flag
    }
    values {-delay_type {max min min_max max_rise max_fall min_rise min_fall}}
    ints {-max_paths -nworst}
} {
    ::dryrun::need_design get_timing_paths
    set type [::dryrun::opt $o -delay_type max]
    if {[dict exists $o -hold]} { set type min }
    return "timing_path_[string range $type 0 2]"
}

# ------------------------------------------------------------------ stubs: projects

::dryrun::stub create_project {
    doc {UG835 2023.1 create_project: [-part <arg>] [-force] [-in_memory] [-ip] [-rtl_kernel] [-quiet] [-verbose] [<name>] [<dir>]}
    options {-part arg -force flag -in_memory flag -ip flag -rtl_kernel flag -quiet flag -verbose flag}
    positional {{name ?} {dir ?}}
} {
    set name [::dryrun::opt $o name project_1]
    set dir [file normalize [::dryrun::opt $o dir .]]
    if {![dict exists $o -part]} { return -code error [::dryrun::error_text create_project "no -part (the harness wants the part named)"] }
    set xpr [file join $dir $name.xpr]
    if {[file exists $xpr]} {
        if {![dict exists $o -force]} { return -code error [::dryrun::error_text create_project "$xpr exists (no -force)"] }
        # -force replaces the project: only ever a project the harness wrote.
        ::dryrun::read_state_file create_project $xpr project
        file delete -force $dir
    }
    file mkdir $dir
    set ::dryrun::project [dict create name $name dir $dir xpr $xpr part [dict get $o -part] board_part "" files {} top "" \
        runs [dict create synth_1 {progress 0% status {Not started} launched 0 to_step {}} impl_1 {progress 0% status {Not started} launched 0 to_step {}}]]
    ::dryrun::save_project
    return $name
}

::dryrun::stub open_project {
    doc {UG835 2023.1 open_project: [-part <arg>] [-read_only] [-quiet] [-verbose] <file>}
    options {-part arg -read_only flag -quiet flag -verbose flag}
    positional {{file 1}}
} {
    set xpr [file normalize [dict get $o file]]
    if {![file exists $xpr]} { return -code error [::dryrun::error_text open_project "$xpr does not exist"] }
    set ::dryrun::project [::dryrun::read_state_file open_project $xpr project]
    return [dict get $::dryrun::project name]
}

::dryrun::stub current_project {
    doc {UG835 2020.2 current_project: [-quiet] [-verbose] [<project>]}
    options {-quiet flag -verbose flag}
    positional {{project ?}}
} {
    ::dryrun::need_project current_project
    return [dict get $::dryrun::project name]
}

::dryrun::stub current_fileset {
    doc {UG835 2020.2 current_fileset: [-constrset] [-simset] [-quiet] [-verbose] [<fileset>...]}
    options {-constrset flag -simset flag -quiet flag -verbose flag}
    positional {{fileset *}}
} {
    ::dryrun::need_project current_fileset
    if {[dict exists $o -constrset] || [dict exists $o -simset] || [dict exists $o fileset]} {
        return -code error [::dryrun::error_text current_fileset "the harness models only the source fileset"]
    }
    return sources_1
}

::dryrun::stub add_files {
    doc {UG835 2021.2-2024.1 add_files: [-fileset <arg>] [-of_objects <args>] [-norecurse] [-copy_to <arg>] [-force] [-scan_for_includes] [-quiet] [-verbose] [<files>...]}
    options {-fileset arg -of_objects arg -norecurse flag -copy_to arg -force flag -scan_for_includes flag -quiet flag -verbose flag}
    positional {{files *}}
} {
    ::dryrun::need_project add_files
    if {![dict exists $o files]} { return -code error [::dryrun::error_text add_files "no file given (and no -scan_for_includes)"] }
    if {[::dryrun::opt $o -fileset sources_1] ne "sources_1"} { return -code error [::dryrun::error_text add_files "the harness models only sources_1"] }
    set added {}
    foreach f [dict get $o files] {
        set f [file normalize $f]
        if {![file exists $f]} { return -code error [::dryrun::error_text add_files "$f does not exist"] }
        if {[file isdirectory $f]} { return -code error [::dryrun::error_text add_files "$f is a folder; the scripts add files one by one"] }
        if {$f in [dict get $::dryrun::project files]} { return -code error [::dryrun::error_text add_files "$f is added twice"] }
        dict lappend ::dryrun::project files $f
        lappend added $f
    }
    ::dryrun::save_project
    return $added
}

::dryrun::stub update_compile_order {
    doc {UG835 2023.1 update_compile_order: [-force_gui] [-fileset <arg>] [-quiet] [-verbose]}
    options {-force_gui flag -fileset arg -quiet flag -verbose flag}
} {
    ::dryrun::need_project update_compile_order
    if {[::dryrun::opt $o -fileset sources_1] ne "sources_1"} { return -code error [::dryrun::error_text update_compile_order "no fileset [dict get $o -fileset]"] }
    # Every source must parse, and no module may be defined twice.
    set seen [dict create]
    foreach f [dict get $::dryrun::project files] {
        if {[file extension $f] ni {.v .sv}} continue
        dict for {m info} [::dryrun::verilog_modules $f] {
            if {[dict exists $seen $m]} { return -code error [::dryrun::error_text update_compile_order "module $m is defined in both [dict get $seen $m] and $f"] }
            dict set seen $m $f
        }
    }
    return ""
}

::dryrun::stub get_files {
    doc {UG835 2021.1 get_files: [-regexp] [-nocase] [-filter <arg>] [-compile_order <arg>] [-used_in <arg>] [-references] [-all] [-of_objects <args>] [-quiet] [-verbose] [<patterns>]}
    options {-regexp flag -nocase flag -filter arg -compile_order arg -used_in arg -references flag -all flag -of_objects arg -quiet flag -verbose flag}
    positional {{patterns ?}}
} {
    ::dryrun::need_project get_files
    set found {}
    set candidates [dict get $::dryrun::project files]
    if {[dict exists $::dryrun::project bd]} { lappend candidates [dict get $::dryrun::project bd file] }
    foreach pattern [::dryrun::opt $o patterns *] {
        foreach f $candidates {
            if {[string match $pattern $f] || [string match $pattern [file tail $f]]} { lappend found $f }
        }
    }
    if {[llength $found] == 0} { ::dryrun::soft_error $o get_files "no file matches [::dryrun::opt $o patterns *]" }
    return $found
}

# ------------------------------------------------------------------ stubs: block design

::dryrun::stub create_bd_design {
    doc {UG835 2020.2 create_bd_design: [-dir <arg>] [-cell <arg>] [-quiet] [-verbose] <name>}
    options {-dir arg -cell arg -quiet flag -verbose flag}
    positional {{name 1}}
} {
    ::dryrun::need_project create_bd_design
    if {[dict exists $::dryrun::project bd]} { return -code error [::dryrun::error_text create_bd_design "the project already has block design [dict get $::dryrun::project bd name]"] }
    set name [dict get $o name]
    set p $::dryrun::project
    set file [file join [dict get $p dir] "[dict get $p name].srcs" sources_1 bd $name $name.bd]
    file mkdir [file dirname $file]
    set f [open $file w]; puts $f "dryrun block design $name"; close $f
    dict set ::dryrun::project bd [dict create name $name file $file cells {} nets {} intf {} addressed 0 validated 0 saved 0 generated 0]
    ::dryrun::save_project
    return $name
}

::dryrun::stub create_bd_cell {
    doc {UG835 2022.2 create_bd_cell: [-vlnv <arg>] [-type <arg>] [-reference <arg>] [-revision <arg>] [-quiet] [-verbose] <name>}
    options {-vlnv arg -type arg -reference arg -revision arg -quiet flag -verbose flag}
    positional {{name 1}}
    nocase {-type {IP hier container module}}
} {
    ::dryrun::need_bd create_bd_cell
    set name [dict get $o name]
    if {[dict exists $::dryrun::project bd cells $name]} { return -code error [::dryrun::error_text create_bd_cell "cell $name exists"] }
    set type [string tolower [::dryrun::opt $o -type ip]]
    set cell [dict create type $type vlnv "" reference "" config {}]
    switch -- $type {
        ip {
            if {![dict exists $o -vlnv]} { return -code error [::dryrun::error_text create_bd_cell "-type ip needs -vlnv (UG835)"] }
            set vlnv [dict get $o -vlnv]
            if {![regexp {^[^:]+:[^:]+:[^:]+(:[0-9.]+)?$} $vlnv]} { return -code error [::dryrun::error_text create_bd_cell "'$vlnv' is not vendor:library:name\[:version\]"] }
            if {[::dryrun::ip_pins $vlnv {}] eq ""} { return -code error [::dryrun::error_text create_bd_cell "the harness does not know IP $vlnv"] }
            dict set cell vlnv $vlnv
        }
        module {
            if {![dict exists $o -reference]} { return -code error [::dryrun::error_text create_bd_cell "-type module needs -reference (UG835)"] }
            set ref [dict get $o -reference]
            if {![dict exists [::dryrun::project_modules] $ref]} {
                return -code error [::dryrun::error_text create_bd_cell "no source added to the project defines module $ref"]
            }
            dict set cell reference $ref
        }
        default { return -code error [::dryrun::error_text create_bd_cell "the harness models -type ip and module only"] }
    }
    dict set ::dryrun::project bd cells $name $cell
    dict set ::dryrun::project bd validated 0
    ::dryrun::save_project
    return "/$name"
}

::dryrun::stub apply_bd_automation {
    doc {UG835 2022.1/2023.2 apply_bd_automation: -rule <arg> [-config <args>] -dict <arg> -opts <arg> [-quiet] [-verbose] <objects>... (-dict and -opts are alternatives to -config)}
    options {-rule arg -config arg -dict arg -opts arg -quiet flag -verbose flag}
    positional {{objects +}}
    required {-rule}
} {
    ::dryrun::need_bd apply_bd_automation
    set rule [dict get $o -rule]
    if {$rule ne "xilinx.com:bd_rule:zynq_ultra_ps_e"} { return -code error [::dryrun::error_text apply_bd_automation "the harness models only the zynq_ultra_ps_e block automation"] }
    foreach obj [dict get $o objects] {
        set cname [string trimleft $obj /]
        if {![dict exists $::dryrun::project bd cells $cname]} { return -code error [::dryrun::error_text apply_bd_automation "no cell $obj"] }
        if {![string match *:zynq_ultra_ps_e* [dict get $::dryrun::project bd cells $cname vlnv]]} {
            return -code error [::dryrun::error_text apply_bd_automation "$obj is not a zynq_ultra_ps_e"]
        }
    }
    set config [::dryrun::opt $o -config]
    if {[llength $config] % 2 || ![dict exists $config apply_board_preset]} {
        return -code error [::dryrun::error_text apply_bd_automation "-config is not {apply_board_preset 0|1}"]
    }
    if {[dict get $config apply_board_preset] && [dict get $::dryrun::project board_part] eq ""} {
        return -code error [::dryrun::error_text apply_bd_automation "a board preset without a board part on the project"]
    }
    return ""
}

apply {{} {
foreach {cmd want} {get_bd_intf_pins intf get_bd_pins pin} {
    ::dryrun::stub $cmd [list \
        doc "UG835 2022.1/2024.1 get_bd_pins (get_bd_intf_pins takes the same): \[-regexp\] \[-hierarchical\] \[-filter <arg>\] \[-of_objects <args>\] \[-quiet\] \[-verbose\] \[<patterns>\]" \
        options {-regexp flag -hierarchical flag -filter arg -of_objects arg -quiet flag -verbose flag} \
        positional {{patterns ?}}] [string map [list @CMD@ $cmd @WANT@ $want] {
        if {![dict exists $o patterns]} { return -code error [::dryrun::error_text @CMD@ "the harness models cell/pin patterns only (none given)"] }
        set out {}
        foreach p [dict get $o patterns] {
            set pin [::dryrun::find_pin $o @CMD@ $p @WANT@]
            if {$pin ne ""} { lappend out $pin }
        }
        return $out
    }]
}}}

::dryrun::stub get_bd_cells {
    doc {UG835 2023.1 get_bd_cells: [-regexp] [-hierarchical] [-filter <arg>] [-of_objects <args>] [-quiet] [-verbose] [<patterns>]}
    options {-regexp flag -hierarchical flag -filter arg -of_objects arg -quiet flag -verbose flag}
    positional {{patterns ?}}
} {
    ::dryrun::need_bd get_bd_cells
    set out {}
    foreach p [::dryrun::opt $o patterns *] {
        foreach c [dict keys [dict get $::dryrun::project bd cells]] {
            if {[string match [string trimleft $p /] $c]} { lappend out /$c }
        }
    }
    if {[llength $out] == 0} { ::dryrun::soft_error $o get_bd_cells "no cell matches [::dryrun::opt $o patterns *]" }
    return $out
}

::dryrun::stub connect_bd_intf_net {
    doc {UG835 2023.1 connect_bd_intf_net: [-intf_net <arg>] [-boundary_type <arg>] [-quiet] [-verbose] <object1> <object2> [<auto>]}
    options {-intf_net arg -boundary_type arg -quiet flag -verbose flag}
    positional {{object1 1} {object2 1} {auto ?}}
    values {-boundary_type {upper lower both}}
} {
    ::dryrun::need_bd connect_bd_intf_net
    set a [dict get $o object1]
    set b [dict get $o object2]
    foreach x [list $a $b] {
        if {[llength $x] != 1 || ![regexp {^/[^/]+/[^/]+$} $x]} { return -code error [::dryrun::error_text connect_bd_intf_net "'$x' is not one interface pin"] }
        if {[dict exists $::dryrun::project bd intf $x]} { return -code error [::dryrun::error_text connect_bd_intf_net "$x is already connected to [dict get $::dryrun::project bd intf $x]"] }
    }
    lassign [::dryrun::pin_info connect_bd_intf_net $a] ka ma wa
    lassign [::dryrun::pin_info connect_bd_intf_net $b] kb mb wb
    if {$ka ne $kb} { return -code error [::dryrun::error_text connect_bd_intf_net "$a is $ka and $b is $kb"] }
    if {$ka eq "axis" && $wa ne "" && $wb ne "" && $wa != $wb} {
        return -code error [::dryrun::error_text connect_bd_intf_net "\[BD 41-237\] TDATA widths differ: $a has $wa bits, $b has $wb"]
    }
    if {[lsort [list $ma $mb]] ne {master slave}} { return -code error [::dryrun::error_text connect_bd_intf_net "$a ($ma) and $b ($mb) are not a master and a slave"] }
    dict set ::dryrun::project bd intf $a $b
    dict set ::dryrun::project bd intf $b $a
    dict set ::dryrun::project bd validated 0
    ::dryrun::save_project
    return "intf_net_[expr {[dict size [dict get $::dryrun::project bd intf]] / 2}]"
}

::dryrun::stub connect_bd_net {
    doc {UG835 2022.1 connect_bd_net: [-net <arg>] [-boundary_type <arg>] [-quiet] [-verbose] <objects>...}
    options {-net arg -boundary_type arg -quiet flag -verbose flag}
    positional {{objects +}}
    values {-boundary_type {upper lower both}}
} {
    ::dryrun::need_bd connect_bd_net
    set objects [dict get $o objects]
    if {[llength $objects] < 2} { return -code error [::dryrun::error_text connect_bd_net "fewer than two pins to connect"] }
    set nets [dict get $::dryrun::project bd nets]
    set drivers {}
    set kinds {}
    set joined {}
    foreach x $objects {
        if {![regexp {^/[^/]+/[^/]+$} $x]} { return -code error [::dryrun::error_text connect_bd_net "'$x' is not a pin"] }
        lassign [::dryrun::pin_info connect_bd_net $x] kind dir
        if {$dir eq "out"} { lappend drivers $x }
        lappend kinds $kind
        if {[dict exists $nets $x]} { lappend joined [dict get $nets $x] }
    }
    # A pin already on a net brings that net's driver along.
    set net [expr {[llength $joined] > 0 ? [lindex $joined 0] : "net_[dict size $nets]"}]
    if {[llength [lsort -unique $joined]] > 1} { return -code error [::dryrun::error_text connect_bd_net "the pins are on different nets already"] }
    dict for {pin n} $nets {
        if {$n eq $net && $pin ni $objects} {
            lassign [::dryrun::pin_info connect_bd_net $pin] kind dir
            if {$dir eq "out"} { lappend drivers $pin }
        }
    }
    if {[llength $drivers] != 1} {
        return -code error [::dryrun::error_text connect_bd_net "a net needs exactly one driver; it has [llength $drivers] ([join $drivers {, }])"]
    }
    if {"clock" in $kinds && [llength [lsort -unique $kinds]] > 1} {
        return -code error [::dryrun::error_text connect_bd_net "the net mixes clock pins with [join [lsort -unique $kinds] {, }] pins"]
    }
    foreach x $objects { dict set ::dryrun::project bd nets $x $net }
    dict set ::dryrun::project bd validated 0
    ::dryrun::save_project
    return $net
}

::dryrun::stub assign_bd_address {
    doc {UG835 2021.2 assign_bd_address (-dict only with -external)}
    options {
        -target_address_space arg -boundary flag -master_boundary flag -external flag -dict arg -import_from_file arg
        -export_to_file arg -export_gui_to_file arg -offset arg -range arg -base_high arg -force flag -quiet flag -verbose flag
    }
    positional {{objects *}}
} {
    ::dryrun::need_bd assign_bd_address
    dict set ::dryrun::project bd addressed 1
    ::dryrun::save_project
    return ""
}

::dryrun::stub validate_bd_design {
    doc {UG835 2020.2 validate_bd_design: [-force] [-design <arg>] [-include_pfm] [-quiet] [-verbose]}
    options {-force flag -design arg -include_pfm flag -quiet flag -verbose flag}
} {
    ::dryrun::need_bd validate_bd_design
    set bd [dict get $::dryrun::project bd]
    set nets [dict get $bd nets]
    dict for {cname cell} [dict get $bd cells] {
        dict for {pin info} [::dryrun::cell_pins validate_bd_design $cell] {
            lassign $info kind dir
            set obj /$cname/$pin
            if {$kind eq "clock" && $dir eq "in" && ![dict exists $nets $obj]} {
                return -code error [::dryrun::error_text validate_bd_design "\[BD 41-758\] the clock pin $obj is not connected to a clock source"]
            }
            if {$kind in {aximm axis} && ![dict exists $bd intf $obj]} {
                ::dryrun::warn "validate_bd_design: the interface pin $obj is not connected"
            }
        }
    }
    dict for {cname cell} [dict get $bd cells] {
        if {[lindex [split [dict get $cell vlnv] :] 2] ne "axi_dma"} continue
        set config [dict get $cell config]
        foreach {stream mm} {c_m_axis_mm2s_tdata_width c_m_axi_mm2s_data_width c_s_axis_s2mm_tdata_width c_m_axi_s2mm_data_width} {
            set sw [expr {[dict exists $config CONFIG.$stream] ? [dict get $config CONFIG.$stream] : 32}]
            set mw [expr {[dict exists $config CONFIG.$mm] ? [dict get $config CONFIG.$mm] : 32}]
            if {$sw > $mw} {
                return -code error [::dryrun::error_text validate_bd_design "/$cname: $stream $sw is wider than $mm $mw (PG022: a stream is at most as wide as its memory map)"]
            }
        }
    }
    if {![dict get $bd addressed]} {
        return -code error [::dryrun::error_text validate_bd_design "addresses are not assigned (assign_bd_address first)"]
    }
    dict set ::dryrun::project bd validated 1
    ::dryrun::save_project
    return ""
}

::dryrun::stub save_bd_design {
    doc {UG835 2020.2 save_bd_design: [-quiet] [-verbose] [<name>]}
    options {-quiet flag -verbose flag}
    positional {{name ?}}
} {
    ::dryrun::need_bd save_bd_design
    dict set ::dryrun::project bd saved 1
    ::dryrun::save_project
    return ""
}

::dryrun::stub generate_target {
    doc {UG835 2021.2 generate_target: [-force] [-quiet] [-verbose] <name> <objects>}
    options {-force flag -quiet flag -verbose flag}
    positional {{name 1} {objects 1}}
} {
    ::dryrun::need_bd generate_target
    set bd [dict get $::dryrun::project bd]
    foreach t [dict get $o name] {
        if {$t ni {all synthesis simulation implementation instantiation_template}} {
            return -code error [::dryrun::error_text generate_target "'$t' is not a target of a block design"]
        }
    }
    if {[dict get $o objects] ne [dict get $bd file]} { return -code error [::dryrun::error_text generate_target "[dict get $o objects] is not the block design's file"] }
    if {![dict get $bd validated]} { return -code error [::dryrun::error_text generate_target "the block design is not validated"] }
    if {![dict get $bd saved]} { return -code error [::dryrun::error_text generate_target "the block design is not saved"] }
    set name [dict get $bd name]
    set hwh [file join [::dryrun::gen_dir] sources_1 bd $name hw_handoff $name.hwh]
    file mkdir [file dirname $hwh]
    set f [open $hwh w]; puts $f "<?xml version=\"1.0\"?>\n<!-- dryrun hardware handoff of $name -->"; close $f
    dict set ::dryrun::project bd generated 1
    ::dryrun::save_project
    return ""
}

::dryrun::stub make_wrapper {
    doc {UG835 2022.2 make_wrapper: [-top] [-testbench] [-inst_template] [-fileset <arg>] [-import] [-force] [-quiet] [-verbose] <files>}
    options {-top flag -testbench flag -inst_template flag -fileset arg -import flag -force flag -quiet flag -verbose flag}
    positional {{files 1}}
} {
    ::dryrun::need_bd make_wrapper
    set bd [dict get $::dryrun::project bd]
    if {[dict get $o files] ne [dict get $bd file]} { return -code error [::dryrun::error_text make_wrapper "[dict get $o files] is not the block design's file"] }
    if {![dict exists $o -top]} { return -code error [::dryrun::error_text make_wrapper "the harness models -top wrappers only"] }
    set name [dict get $bd name]
    set wrapper [file join [::dryrun::gen_dir] sources_1 bd $name hdl ${name}_wrapper.v]
    file mkdir [file dirname $wrapper]
    set f [open $wrapper w]
    puts $f "// dryrun wrapper of block design $name\nmodule ${name}_wrapper ();\n  $name ${name}_i ();\nendmodule"
    close $f
    return $wrapper
}

# ------------------------------------------------------------------ stubs: runs

::dryrun::stub get_runs {
    doc {UG835 2021.1 get_runs: [-regexp] [-nocase] [-filter <arg>] [-of_objects <args>] [-quiet] [-verbose] [<patterns>]}
    options {-regexp flag -nocase flag -filter arg -of_objects arg -quiet flag -verbose flag}
    positional {{patterns ?}}
} {
    ::dryrun::need_project get_runs
    set out {}
    foreach p [::dryrun::opt $o patterns *] {
        foreach r [dict keys [dict get $::dryrun::project runs]] {
            if {[string match $p $r]} { lappend out $r }
        }
    }
    if {[llength $out] == 0} { ::dryrun::soft_error $o get_runs "no run matches [::dryrun::opt $o patterns *]" }
    return $out
}

proc ::dryrun::run_name {command object} {
    variable project
    if {![dict exists $project runs $object]} { return -code error -level 2 [error_text $command "no run $object"] }
    return $object
}

# reset_runs (UG835 2020.2 on) and its single-run form reset_run, which scripts and Vivado 2021.1 still
# accept (fpgasystems/Coyote#4: reset_run takes one run).
apply {{} {
foreach {cmd kind} {reset_run 1 reset_runs +} {
    ::dryrun::stub $cmd [list \
        doc {UG835 2020.2 reset_runs: [-prev_step] [-from_step <arg>] [-quiet] [-verbose] <runs>} \
        options {-prev_step flag -from_step arg -quiet flag -verbose flag} \
        positional [list [list runs $kind]]] [string map [list @CMD@ $cmd] {
        ::dryrun::need_project @CMD@
        foreach r [dict get $o runs] {
            set r [::dryrun::run_name @CMD@ $r]
            # A synthesis run's implementation run (its child) is reset with it.
            foreach x [expr {$r eq "synth_1" ? {synth_1 impl_1} : [list $r]}] {
                dict set ::dryrun::project runs $x [dict create progress 0% status {Not started} launched 0 to_step {}]
                file delete -force [file join [::dryrun::runs_dir] $x]
            }
        }
        ::dryrun::save_project
        return ""
    }]
}}}

::dryrun::stub launch_runs {
    doc {UG835 2023.1 launch_runs}
    options {
        -jobs arg -scripts_only flag -lsf arg -sge arg -cluster_configuration arg -dir arg -to_step arg -next_step flag
        -host args -remote_cmd arg -email_to arg -email_all flag -pre_launch_script arg -post_launch_script arg
        -custom_script arg -force flag -quiet flag -verbose flag
    }
    positional {{runs +}}
    ints {-jobs}
} {
    ::dryrun::need_project launch_runs
    if {[dict exists $o -jobs] && [dict get $o -jobs] < 1} { return -code error [::dryrun::error_text launch_runs "-jobs must be at least 1"] }
    set p $::dryrun::project
    if {[dict get $p top] eq ""} { return -code error [::dryrun::error_text launch_runs "the project has no top module"] }
    if {[dict exists $p bd] && ![dict get $p bd generated]} { return -code error [::dryrun::error_text launch_runs "the block design's output products are not generated"] }
    foreach r [dict get $o runs] {
        set r [::dryrun::run_name launch_runs $r]
        set to [::dryrun::opt $o -to_step]
        if {$r eq "synth_1"} {
            if {$to ne ""} { return -code error [::dryrun::error_text launch_runs "synth_1 has no step $to"] }
            set last synth_design
        } else {
            set steps {init_design opt_design power_opt_design place_design post_place_power_opt_design phys_opt_design route_design post_route_phys_opt_design write_bitstream}
            if {$to ne "" && $to ni $steps} { return -code error [::dryrun::error_text launch_runs "'$to' is not a step of $r ([join $steps {, }])"] }
            if {[dict get $p runs synth_1 progress] ne "100%"} {
                return -code error [::dryrun::error_text launch_runs "$r's parent run synth_1 is not complete"]
            }
            set last [expr {$to eq "" ? "route_design" : $to}]
        }
        if {[dict get $p runs $r launched]} { return -code error [::dryrun::error_text launch_runs "run $r needs a reset before it is launched again"] }
        set progress [::dryrun::progress_of $r]
        set status [expr {$progress eq "100%" ? "$last Complete!" : "$last ERROR"}]
        dict set ::dryrun::project runs $r [dict create progress $progress status $status launched 1 to_step $to]
        set dir [file join [::dryrun::runs_dir] $r]
        file mkdir $dir
        set f [open [file join $dir runme.log] w]; puts $f "dryrun run $r: $status"; close $f
        if {$progress eq "100%" && $last eq "write_bitstream"} {
            set f [open [file join $dir [dict get $p top].bit] w]; puts $f "dryrun bitstream"; close $f
        }
    }
    ::dryrun::save_project
    return ""
}

proc ::dryrun::progress_of {run} {
    set setting [env DRYRUN_PROGRESS 100%]
    if {[string first = $setting] < 0} { return $setting }
    foreach item $setting {
        lassign [split $item =] r value
        if {$r eq $run} { return $value }
    }
    return 100%
}

# wait_on_run (UG835 2020.2) and wait_on_runs (2021.2 on; the 2023.2 page's own example still
# calls wait_on_run).
apply {{} {
foreach {cmd kind doc} {
    wait_on_run 1 {UG835 2020.2 wait_on_run: [-timeout <arg>] [-quiet] [-verbose] <run>}
    wait_on_runs + {UG835 2021.2 wait_on_runs: [-timeout <arg>] [-exit_condition <arg>] [-quiet] [-verbose] <runs>...}
} {
    set options {-timeout arg -quiet flag -verbose flag}
    if {$cmd eq "wait_on_runs"} { lappend options -exit_condition arg }
    ::dryrun::stub $cmd [list doc $doc options $options positional [list [list run $kind]] ints {-timeout}] [string map [list @CMD@ $cmd] {
        ::dryrun::need_project @CMD@
        foreach r [dict get $o run] {
            set r [::dryrun::run_name @CMD@ $r]
            if {![dict get $::dryrun::project runs $r launched]} {
                return -code error [::dryrun::error_text @CMD@ "run $r has not been launched (UG835: an error)"]
            }
        }
        return ""
    }]
}}}

::dryrun::stub open_run {
    doc {UG835 2021.1 open_run: [-name <arg>] [-pr_config <arg>] [-quiet] [-verbose] <run>}
    options {-name arg -pr_config arg -quiet flag -verbose flag}
    positional {{run 1}}
} {
    ::dryrun::need_project open_run
    set r [::dryrun::run_name open_run [dict get $o run]]
    if {[dict get $::dryrun::project runs $r progress] ne "100%"} { return -code error [::dryrun::error_text open_run "run $r is not complete"] }
    set stage [expr {$r eq "impl_1" ? "routed" : "synth"}]
    set ::dryrun::design [dict create stage $stage top [dict get $::dryrun::project top] part [dict get $::dryrun::project part] run $r]
    return $r
}

::dryrun::stub write_hw_platform {
    doc {UG835 2020.2 write_hw_platform: [-fixed] [-force] [-include_bit] [-include_sim_content] [-minimal] [-hw] [-hw_emu] [-quiet] [-verbose] [<file>]}
    options {-fixed flag -force flag -include_bit flag -include_sim_content flag -minimal flag -hw flag -hw_emu flag -quiet flag -verbose flag}
    positional {{file 1}}
} {
    ::dryrun::need_project write_hw_platform
    ::dryrun::need_design write_hw_platform
    set file [dict get $o file]
    if {[file extension $file] ne ".xsa"} { return -code error [::dryrun::error_text write_hw_platform "$file is not a .xsa"] }
    if {[file exists $file] && ![dict exists $o -force]} { return -code error [::dryrun::error_text write_hw_platform "$file exists (no -force)"] }
    if {[dict exists $o -include_bit]} {
        if {[::dryrun::opt $::dryrun::design run] ne "impl_1"} { return -code error [::dryrun::error_text write_hw_platform "-include_bit needs the implemented design open (open_run impl_1)"] }
        if {[llength [glob -nocomplain -directory [file join [::dryrun::runs_dir] impl_1] *.bit]] == 0} {
            return -code error [::dryrun::error_text write_hw_platform "-include_bit, but impl_1 wrote no bitstream"]
        }
    }
    set f [open $file w]; puts $f "dryrun hardware platform"; close $f
    return $file
}

# ------------------------------------------------------------------ exit, unknown commands, Tcl 8.5

rename ::exit ::dryrun::real_exit
proc ::exit {{status 0}} {
    ::dryrun::record [list exit $status]
    flush stdout
    ::dryrun::real_exit $status
}

rename ::unknown ::dryrun::tcl_unknown
proc ::unknown {args} {
    set name [lindex $args 0]
    # Procedures of Tcl's own library (parray, ...) load as in any Tcl.
    if {![catch {auto_load $name} loaded] && $loaded} { return [uplevel 1 $args] }
    return -code error [::dryrun::error_text $name "unknown command: neither Tcl nor a Vivado command the harness stubs"]
}

# Vivado 2020.2, the oldest potgen supports, runs Tcl 8.5: a script file using a Tcl 8.6-only command
# would fail there. Every file the scripts source is checked for one in command position (comment
# lines skipped) before it runs. `source` takes Vivado's options (UG835 2023.1 source:
# [-encoding <arg>] [-notrace] [-quiet] [-verbose] <file>).
rename ::source ::dryrun::tcl_source
proc ::source {args} {
    set file [lindex $args end]
    set options [lrange $args 0 end-1]
    for {set i 0} {$i < [llength $options]} {incr i} {
        set w [lindex $options $i]
        if {$w eq "-encoding"} { incr i; continue }
        if {$w ni {-notrace -quiet -verbose}} {
            return -code error [::dryrun::error_text source "unknown option '$w'; UG835 lists -encoding, -notrace, -quiet, -verbose"]
        }
    }
    if {[llength $args] == 0} { return -code error [::dryrun::error_text source "no file"] }
    if {![string match "[file normalize [info library]]/*" [file normalize $file]] && [file exists $file]} {
        set f [open $file]
        set lines [split [read $f] \n]
        close $f
        set n 0
        foreach line $lines {
            incr n
            if {[regexp {^\s*#} $line]} continue
            if {[regexp {(^|[;\[\{]|^\s)\s*(try|throw|lmap|tailcall|coroutine|yield|yieldto|zlib)\s} $line -> - cmd]} {
                return -code error [::dryrun::error_text source "$file:$n uses '$cmd', a Tcl 8.6 command; Vivado 2020.2's Tcl 8.5 has none"]
            }
        }
    }
    if {[llength $options] > 0 && [lindex $options 0] eq "-encoding"} {
        return [uplevel 1 [list ::dryrun::tcl_source -encoding [lindex $options 1] $file]]
    }
    return [uplevel 1 [list ::dryrun::tcl_source $file]]
}

# A procedure of the scripts named like a Vivado command shadows that command inside its namespace
# (Tcl looks a bare name up there first), so a bare call of the name in its own body calls itself:
# refused when the procedure is defined.
rename ::proc ::dryrun::tcl_proc
::dryrun::tcl_proc ::proc {name params body} {
    set tail [namespace tail $name]
    if {[info exists ::dryrun::specs($tail)] && [string trimleft [namespace qualifiers $name] :] ne ""} {
        foreach line [split $body \n] {
            if {[regexp {^\s*#} $line]} continue
            if {[regexp "(^|\[\\s;\\\[\{\])$tail\\s" $line]} {
                return -code error [::dryrun::error_text proc "$name calls '$tail' bare: inside its namespace that is $name itself, not Vivado's $tail (write ::$tail)"]
            }
        }
    }
    return [uplevel 1 [list ::dryrun::tcl_proc $name $params $body]]
}
