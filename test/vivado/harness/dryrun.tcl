# dryrun.tcl: runs one of potgen's Vivado scripts in plain tclsh, against the stubs of stubs.tcl.
#
#   tclsh dryrun.tcl <script> [<arg>...]
#
# as `vivado -mode batch -source <script> -tclargs <arg>...` would: argc, argv and argv0 are set as
# -tclargs sets them, the script is sourced (so `info script` names it) at global level, and an
# error that reaches the top prints an ERROR line and ends the run with status 1, as Vivado's batch
# mode does. A script that calls `exit` ends with that status. The call log (DRYRUN_LOG) gets one
# line per Vivado command; see stubs.tcl for the settings.

set ::dryrun_here [file dirname [file normalize [info script]]]
if {$argc < 1} {
    puts stderr "usage: tclsh dryrun.tcl <script> \[<arg>...\]"
    exit 2
}
set ::dryrun_script [lindex $argv 0]
set ::dryrun_args [lrange $argv 1 end]
source [file join $::dryrun_here stubs.tcl]
::dryrun::start $::dryrun_script
::dryrun::record "# [::dryrun::placeholder [concat [list source $::dryrun_script] [expr {[llength $::dryrun_args] ? [concat -tclargs $::dryrun_args] : {}}]]]"

# What -tclargs leaves for the script (argv0 names the script, as in tclsh).
set ::argv0 $::dryrun_script
set ::argv $::dryrun_args
set ::argc [llength $::dryrun_args]

if {[catch {uplevel #0 [list source $::dryrun_script]} message options]} {
    set text [expr {[string match "ERROR:*" $message] ? $message : "ERROR: $message"}]
    puts $text
    puts ""
    puts [join [lrange [split [dict get $options -errorinfo] \n] 1 end] \n]
    ::dryrun::record [list exit 1]
    flush stdout
    ::dryrun::real_exit 1
}
# An error the script caught is still a failure of the dry run.
if {$::dryrun::errors > 0} {
    puts "ERROR: \[dryrun\] $::dryrun::errors command(s) failed during the run (see the call log)"
    ::dryrun::record [list exit 1]
    flush stdout
    ::dryrun::real_exit 1
}
flush stdout
::dryrun::real_exit 0
