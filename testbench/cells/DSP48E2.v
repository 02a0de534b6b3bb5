// Behavioural simulation model of the UltraScale+ DSP48E2 slice, for gate-level simulation of
// Yosys netlists (Yosys's cells_sim.v has no DSP48E2). Port and parameter names and defaults are
// the primitive's (UG579, UG974). It models the subset Yosys's xilinx_dsp pass emits:
//   - A (or ACIN) and B (or BCIN) with AREG/BREG 0..2 and ACASCREG/BCASCREG, C with CREG, D with
//     DREG, the pre-adder D +/- A with ADREG (AMULTSEL "A" or "AD", PREADDINSEL "A"), the signed
//     27 x 18 multiplier with MREG, INMODE/OPMODE/ALUMODE/CARRYINSEL/CARRYIN constant or
//     registered (INMODEREG, OPMODEREG, ALUMODEREG, CARRYINSELREG, CARRYINREG);
//   - the W/X/Y/Z multiplexers (PCIN cascade and the 17-bit shifts included), the ALU's four
//     arithmetic ALUMODEs, PREG, P and PCOUT; ACOUT/BCOUT cascades.
// Every register resets synchronously, reset before clock enable, and starts at 0 like the
// configured device; an unconnected CE or RST pin reads 0, as in Xilinx's own model.
// What it does not model stops the simulation with $fatal instead of simulating wrongly:
// parameters at time 0, control inputs (OPMODE, ALUMODE, INMODE, CARRYINSEL) at every rising
// clock edge. CARRYOUT, CARRYCASCOUT, MULTSIGNOUT, XOROUT, OVERFLOW, UNDERFLOW and the pattern
// detector are not modelled (driven 0): potgen's gate-level driver refuses a netlist that reads
// them, and checks constant control inputs of unclocked slices before simulating.
module DSP48E2 #(
    parameter integer ACASCREG = 1,
    parameter integer ADREG = 1,
    parameter integer ALUMODEREG = 1,
    parameter AMULTSEL = "A",
    parameter integer AREG = 1,
    parameter AUTORESET_PATDET = "NO_RESET",
    parameter AUTORESET_PRIORITY = "RESET",
    parameter A_INPUT = "DIRECT",
    parameter integer BCASCREG = 1,
    parameter BMULTSEL = "B",
    parameter integer BREG = 1,
    parameter B_INPUT = "DIRECT",
    parameter integer CARRYINREG = 1,
    parameter integer CARRYINSELREG = 1,
    parameter integer CREG = 1,
    parameter integer DREG = 1,
    parameter integer INMODEREG = 1,
    parameter [3:0] IS_ALUMODE_INVERTED = 4'b0000,
    parameter [0:0] IS_CARRYIN_INVERTED = 1'b0,
    parameter [0:0] IS_CLK_INVERTED = 1'b0,
    parameter [4:0] IS_INMODE_INVERTED = 5'b00000,
    parameter [8:0] IS_OPMODE_INVERTED = 9'b000000000,
    parameter [0:0] IS_RSTALLCARRYIN_INVERTED = 1'b0,
    parameter [0:0] IS_RSTALUMODE_INVERTED = 1'b0,
    parameter [0:0] IS_RSTA_INVERTED = 1'b0,
    parameter [0:0] IS_RSTB_INVERTED = 1'b0,
    parameter [0:0] IS_RSTCTRL_INVERTED = 1'b0,
    parameter [0:0] IS_RSTC_INVERTED = 1'b0,
    parameter [0:0] IS_RSTD_INVERTED = 1'b0,
    parameter [0:0] IS_RSTINMODE_INVERTED = 1'b0,
    parameter [0:0] IS_RSTM_INVERTED = 1'b0,
    parameter [0:0] IS_RSTP_INVERTED = 1'b0,
    parameter [47:0] MASK = 48'h3fffffffffff,
    parameter integer MREG = 1,
    parameter integer OPMODEREG = 1,
    parameter [47:0] PATTERN = 48'h000000000000,
    parameter PREADDINSEL = "A",
    parameter integer PREG = 1,
    parameter [47:0] RND = 48'h000000000000,
    parameter SEL_MASK = "MASK",
    parameter SEL_PATTERN = "PATTERN",
    parameter USE_MULT = "MULTIPLY",
    parameter USE_PATTERN_DETECT = "NO_PATDET",
    parameter USE_SIMD = "ONE48",
    parameter USE_WIDEXOR = "FALSE",
    parameter XORSIMD = "XOR24_48_96"
) (
    output [29:0] ACOUT,
    output [17:0] BCOUT,
    output CARRYCASCOUT,
    output [3:0] CARRYOUT,
    output MULTSIGNOUT,
    output OVERFLOW,
    output [47:0] P,
    output PATTERNBDETECT,
    output PATTERNDETECT,
    output [47:0] PCOUT,
    output UNDERFLOW,
    output [7:0] XOROUT,
    input [29:0] A,
    input [29:0] ACIN,
    input [3:0] ALUMODE,
    input [17:0] B,
    input [17:0] BCIN,
    input [47:0] C,
    input CARRYCASCIN,
    input CARRYIN,
    input [2:0] CARRYINSEL,
    input CEA1,
    input CEA2,
    input CEAD,
    input CEALUMODE,
    input CEB1,
    input CEB2,
    input CEC,
    input CECARRYIN,
    input CECTRL,
    input CED,
    input CEINMODE,
    input CEM,
    input CEP,
    input CLK,
    input [26:0] D,
    input [4:0] INMODE,
    input MULTSIGNIN,
    input [8:0] OPMODE,
    input [47:0] PCIN,
    input RSTA,
    input RSTALLCARRYIN,
    input RSTALUMODE,
    input RSTB,
    input RSTC,
    input RSTCTRL,
    input RSTD,
    input RSTINMODE,
    input RSTM,
    input RSTP
);
    // ---- Parameters the model implements; anything else ends the simulation at time 0.
    initial begin
        if (!(AREG >= 0 && AREG <= 2) || !(BREG >= 0 && BREG <= 2))
            $fatal(1, "%m: DSP48E2 model: AREG=%0d BREG=%0d (0, 1 or 2 expected)", AREG, BREG);
        if (!(AREG == 0 ? ACASCREG == 0 : AREG == 1 ? ACASCREG == 1 : (ACASCREG == 1 || ACASCREG == 2)))
            $fatal(1, "%m: DSP48E2 model: ACASCREG=%0d is not allowed with AREG=%0d", ACASCREG, AREG);
        if (!(BREG == 0 ? BCASCREG == 0 : BREG == 1 ? BCASCREG == 1 : (BCASCREG == 1 || BCASCREG == 2)))
            $fatal(1, "%m: DSP48E2 model: BCASCREG=%0d is not allowed with BREG=%0d", BCASCREG, BREG);
        if (ADREG > 1 || ALUMODEREG > 1 || CARRYINREG > 1 || CARRYINSELREG > 1 || CREG > 1 || DREG > 1 ||
            INMODEREG > 1 || MREG > 1 || OPMODEREG > 1 || PREG > 1 || ADREG < 0 || ALUMODEREG < 0 ||
            CARRYINREG < 0 || CARRYINSELREG < 0 || CREG < 0 || DREG < 0 || INMODEREG < 0 || MREG < 0 ||
            OPMODEREG < 0 || PREG < 0)
            $fatal(1, "%m: DSP48E2 model: a pipeline-register parameter is not 0 or 1");
        if (AMULTSEL != "A" && AMULTSEL != "AD")
            $fatal(1, "%m: DSP48E2 model: AMULTSEL=\"%0s\" is not supported", AMULTSEL);
        if (BMULTSEL != "B")
            $fatal(1, "%m: DSP48E2 model: BMULTSEL=\"%0s\" is not supported (only \"B\")", BMULTSEL);
        if (PREADDINSEL != "A")
            $fatal(1, "%m: DSP48E2 model: PREADDINSEL=\"%0s\" is not supported (only \"A\")", PREADDINSEL);
        if (A_INPUT != "DIRECT" && A_INPUT != "CASCADE")
            $fatal(1, "%m: DSP48E2 model: A_INPUT=\"%0s\" is not supported", A_INPUT);
        if (B_INPUT != "DIRECT" && B_INPUT != "CASCADE")
            $fatal(1, "%m: DSP48E2 model: B_INPUT=\"%0s\" is not supported", B_INPUT);
        if (USE_MULT != "MULTIPLY" && USE_MULT != "DYNAMIC" && USE_MULT != "NONE")
            $fatal(1, "%m: DSP48E2 model: USE_MULT=\"%0s\" is not supported", USE_MULT);
        if (USE_SIMD != "ONE48")
            $fatal(1, "%m: DSP48E2 model: USE_SIMD=\"%0s\" is not supported (only \"ONE48\")", USE_SIMD);
        if (USE_PATTERN_DETECT != "NO_PATDET" || AUTORESET_PATDET != "NO_RESET")
            $fatal(1, "%m: DSP48E2 model: the pattern detector is not modelled");
        if (USE_WIDEXOR != "FALSE")
            $fatal(1, "%m: DSP48E2 model: USE_WIDEXOR=\"%0s\" is not supported", USE_WIDEXOR);
        if (IS_ALUMODE_INVERTED != 0 || IS_CARRYIN_INVERTED != 0 || IS_CLK_INVERTED != 0 || IS_INMODE_INVERTED != 0 ||
            IS_OPMODE_INVERTED != 0 || IS_RSTALLCARRYIN_INVERTED != 0 || IS_RSTALUMODE_INVERTED != 0 ||
            IS_RSTA_INVERTED != 0 || IS_RSTB_INVERTED != 0 || IS_RSTCTRL_INVERTED != 0 || IS_RSTC_INVERTED != 0 ||
            IS_RSTD_INVERTED != 0 || IS_RSTINMODE_INVERTED != 0 || IS_RSTM_INVERTED != 0 || IS_RSTP_INVERTED != 0)
            $fatal(1, "%m: DSP48E2 model: inverted pins (IS_*_INVERTED) are not supported");
    end

    // ---- Control inputs, registered or not.
    reg [4:0] inmode_r = 5'd0;
    reg [8:0] opmode_r = 9'd0;
    reg [3:0] alumode_r = 4'd0;
    reg [2:0] carryinsel_r = 3'd0;
    reg       carryin_r = 1'b0;
    always @(posedge CLK) begin
        if (RSTINMODE) inmode_r <= 5'd0; else if (CEINMODE) inmode_r <= INMODE;
        if (RSTCTRL) begin
            opmode_r <= 9'd0;
            carryinsel_r <= 3'd0;
        end else if (CECTRL) begin
            opmode_r <= OPMODE;
            carryinsel_r <= CARRYINSEL;
        end
        if (RSTALUMODE) alumode_r <= 4'd0; else if (CEALUMODE) alumode_r <= ALUMODE;
        if (RSTALLCARRYIN) carryin_r <= 1'b0; else if (CECARRYIN) carryin_r <= CARRYIN;
    end
    wire [4:0] inmode     = INMODEREG != 0 ? inmode_r : INMODE;
    wire [8:0] opmode     = OPMODEREG != 0 ? opmode_r : OPMODE;
    wire [3:0] alumode    = ALUMODEREG != 0 ? alumode_r : ALUMODE;
    wire [2:0] carryinsel = CARRYINSELREG != 0 ? carryinsel_r : CARRYINSEL;
    wire       carryin    = CARRYINREG != 0 ? carryin_r : CARRYIN;

    // ---- A and B: two optional stages each (A1 then A2); INMODE[0]/[4] pick stage 1 for the multiplier.
    wire [29:0] a_in = A_INPUT == "CASCADE" ? ACIN : A;
    wire [17:0] b_in = B_INPUT == "CASCADE" ? BCIN : B;
    reg [29:0] a1 = 30'd0, a2 = 30'd0;
    reg [17:0] b1 = 18'd0, b2 = 18'd0;
    always @(posedge CLK) begin
        if (RSTA) begin
            a1 <= 30'd0;
            a2 <= 30'd0;
        end else begin
            if (CEA1) a1 <= a_in;
            if (CEA2) a2 <= AREG == 2 ? a1 : a_in;
        end
        if (RSTB) begin
            b1 <= 18'd0;
            b2 <= 18'd0;
        end else begin
            if (CEB1) b1 <= b_in;
            if (CEB2) b2 <= BREG == 2 ? b1 : b_in;
        end
    end
    wire [29:0] a_alu = AREG == 0 ? a_in : a2;
    wire [17:0] b_alu = BREG == 0 ? b_in : b2;
    assign ACOUT = AREG == 0 ? a_in : ACASCREG == AREG ? a2 : a1;
    assign BCOUT = BREG == 0 ? b_in : BCASCREG == BREG ? b2 : b1;

    // ---- Pre-adder (27 bits, wraps) and multiplier (27 x 18 signed).
    reg [26:0] d_r = 27'd0, ad_r = 27'd0;
    wire [26:0] d_val  = DREG != 0 ? d_r : D;
    wire [26:0] a_mult = inmode[1] ? 27'd0 : inmode[0] ? a1[26:0] : a_alu[26:0];
    wire [17:0] b_mult = inmode[4] ? b1 : b_alu;
    wire [26:0] d_mult = inmode[2] ? d_val : 27'd0;
    wire [26:0] ad_sum = inmode[3] ? d_mult - a_mult : d_mult + a_mult;
    wire [26:0] ad     = ADREG != 0 ? ad_r : ad_sum;
    wire [26:0] m_a    = AMULTSEL == "AD" ? ad : a_mult;
    wire signed [44:0] m_product = $signed(m_a) * $signed(b_mult);
    reg  [44:0] m_r = 45'd0;
    wire [44:0] m45 = MREG != 0 ? m_r : m_product;
    wire [47:0] m   = USE_MULT == "NONE" ? 48'd0 : {{3{m45[44]}}, m45};
    reg  [47:0] c_r = 48'd0;
    wire [47:0] c_val = CREG != 0 ? c_r : C;
    always @(posedge CLK) begin
        if (RSTD) begin
            d_r <= 27'd0;
            ad_r <= 27'd0;
        end else begin
            if (CED) d_r <= D;
            if (CEAD) ad_r <= ad_sum;
        end
        if (RSTM) m_r <= 45'd0; else if (CEM) m_r <= m_product;
        if (RSTC) c_r <= 48'd0; else if (CEC) c_r <= C;
    end

    // ---- W/X/Y/Z multiplexers and the ALU. `bad` names what the model cannot do with the current controls.
    reg [47:0] p_r = 48'd0;
    reg [47:0] w, x, y, z, alu;
    reg [8*24-1:0] bad;
    always @* begin
        bad = "";
        case (opmode[1:0])
            2'b00: x = 48'd0;
            2'b01: x = m;   // the multiplier's two partial products, summed: X + Y = M
            2'b10: x = p_r;
            default: x = {a_alu, b_alu};
        endcase
        case (opmode[3:2])
            2'b00: y = 48'd0;
            2'b01: y = 48'd0;
            2'b10: y = {48{1'b1}};
            default: y = c_val;
        endcase
        case (opmode[6:4])
            3'b000: z = 48'd0;
            3'b001: z = PCIN;
            3'b010: z = p_r;
            3'b011: z = c_val;
            3'b101: z = {{17{PCIN[47]}}, PCIN[47:17]};
            3'b110: z = {{17{p_r[47]}}, p_r[47:17]};
            default: begin z = 48'd0; bad = "OPMODE Z mux 100/111"; end
        endcase
        case (opmode[8:7])
            2'b00: w = 48'd0;
            2'b01: w = p_r;
            2'b10: w = RND;
            default: w = c_val;
        endcase
        if ((opmode[1:0] == 2'b01) != (opmode[3:2] == 2'b01)) bad = "OPMODE X/Y: M in only one";
        if (opmode[1:0] == 2'b01 && USE_MULT == "NONE") bad = "OPMODE selects M, USE_MULT NONE";
        if (PREG == 0 && (opmode[1:0] == 2'b10 || opmode[6:4] == 3'b010 || opmode[6:4] == 3'b110 || opmode[8:7] == 2'b01))
            bad = "P feedback with PREG=0";
        if (carryinsel != 3'b000) bad = "CARRYINSEL not 000";
        if (AREG != 2 && inmode[0]) bad = "INMODE[0] with AREG!=2";
        if (BREG != 2 && inmode[4]) bad = "INMODE[4] with BREG!=2";
        case (alumode)
            4'b0000: alu = z + (w + x + y + {47'd0, carryin});
            4'b0001: alu = ~z + (w + x + y + {47'd0, carryin});
            4'b0010: alu = ~(z + (w + x + y + {47'd0, carryin}));
            4'b0011: alu = z - (w + x + y + {47'd0, carryin});
            default: begin alu = 48'd0; bad = "ALUMODE (logic unit)"; end
        endcase
    end
    always @(posedge CLK) begin
        if (bad != "") $fatal(1, "%m: DSP48E2 model: unsupported control inputs: %0s", bad);
        if (RSTP) p_r <= 48'd0; else if (CEP) p_r <= alu;
    end
    assign P     = PREG != 0 ? p_r : alu;
    assign PCOUT = P;

    // Not modelled; refused by the driver when a netlist reads them.
    assign CARRYCASCOUT   = 1'b0;
    assign CARRYOUT       = 4'd0;
    assign MULTSIGNOUT    = 1'b0;
    assign OVERFLOW       = 1'b0;
    assign UNDERFLOW      = 1'b0;
    assign PATTERNDETECT  = 1'b0;
    assign PATTERNBDETECT = 1'b0;
    assign XOROUT         = 8'd0;
endmodule
