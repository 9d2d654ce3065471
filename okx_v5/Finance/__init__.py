"""python-okx's ``okx.Finance``: ``EthStaking``, ``FlexibleLoan``, ``Okusd``, ``Savings``,
``SolStaking``, ``StakingDefi``.

Import a module of it, as with python-okx: ``import okx_v5.Finance.Savings as Savings``.
"""
