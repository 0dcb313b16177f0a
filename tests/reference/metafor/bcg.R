# The calls whose printed output is stored in bcg_printed.csv (kept for reference; the tests do
# not run R). metafor 5.1-12; the data set is metadat's dat.bcg (dat_bcg.csv here).
library(metafor)
dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
dat                                       # -> dat_bcg_escalc_printed.csv (yi, vi)
res <- rma(yi, vi, data=dat, method="REML")
res
predict(res, digits=2)
predict(res, transf=exp)
res.knha <- rma(yi, vi, data=dat, test="knha")
res.knha
predict(res.knha, transf=exp, digits=2)
res.dl <- rma(yi, vi, data=dat, method="DL")
res.dl
predict(res.dl, transf=exp)
# not printed in metafor's docs, computed by our tests from the same fit:
# predict(res.knha, predtype="Riley")       # t with k - 2 = 11 df
# rma(yi, vi, data=dat, test="adhoc")       # equals test="knha" here (s_w^2 = 1.011 > 1)
